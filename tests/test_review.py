"""Review pages: every locale gets one; each entry to review shows what a reviewer needs."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import html5lib
import polib
import pytest
from click.testing import CliRunner

from pipeline import catalog, checks, project, review
from pipeline.cli import cli
from pipeline.config import load as load_config
from pipeline.errors import PostlingoError

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "checks"
POST = "thread-lifting"


def invoke(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copy(REPO / "postlingo.toml", root / "postlingo.toml")
    invoke(root, "translate", "--engine", "pseudo")
    return root


def test_a_page_for_every_locale_of_the_sample(sample: Path):
    out = invoke(sample, "review")
    config = load_config(sample)
    assert out.split() == [f"site/_review/{locale}.html" for locale in config.targets]
    for locale in config.targets:
        text = (sample / "site" / "_review" / f"{locale}.html").read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(text)  # well-formed HTML5
        assert "Review: " in text and f"({locale})" in text
        assert "machine (pseudo)" in text


def test_each_entry_shows_context_origin_findings_and_where_to_edit(tmp_path: Path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    config = load_config(tmp_path)
    docs = project.load_documents(config)
    project.translate(config, docs, engine="pseudo")
    path = tmp_path / "locales" / "ko" / f"{POST}.po"
    po = catalog.load(path)
    guide = "Read <1>the aftercare guide</1> before your visit."
    for entry in po:
        if entry.msgid == guide:
            entry.msgstr, entry.flags = "<script>alert(1)</script> 방문 전에 읽어 주세요.", []
        elif entry.msgid == "Thread lifting notes":
            entry.msgstr, entry.flags = "실 리프팅 안내", []
    path.write_text(catalog.dump(po, 79), encoding="utf-8")

    findings = checks.run(config, docs, ["ko"])
    pages = review.pages(config, docs, findings, ["ko"])
    text = pages[tmp_path / "site" / "_review" / "ko.html"]
    # the reviewed, clean title is not listed; the broken reviewed entry is
    assert "실 리프팅 안내" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
    assert html.escape(guide, quote=False) in text
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith('msgstr "<script>')) + 1
    assert f"locales/ko/{POST}.po:{at}" in text
    assert "[tags] missing tag &lt;1&gt;" in text
    assert "reviewer" in text
    # neighbouring sentences give context
    assert "Recovery usually takes 2~3 days after the procedure." in text
    assert "Write to &lt;1&gt;info@clinic.example" in text
    # what kind of text it is, and what each tag stands for
    assert "<dt>Kind</dt><dd>paragraph</dd>" in text
    assert "&lt;1&gt;…&lt;/1&gt; link to mailto:info@clinic.example" in text


def test_items_cover_machine_untranslated_and_flagged_entries_only():
    po = polib.POFile()
    po.append(polib.POEntry(msgid="One.", msgstr="하나.", linenum=1))
    po.append(polib.POEntry(msgid="Two.", msgstr="", linenum=5))
    po.append(
        polib.POEntry(
            msgid="Three.",
            msgstr="셋.",
            flags=["fuzzy"],
            previous_msgid="Tree.",
            tcomment="memory: locales/ko/other.po",
            linenum=9,
        )
    )
    po.append(polib.POEntry(msgid="Four.", msgstr="넷넷.", linenum=13))
    flagged = checks.Finding("x.po", 16, "length", "warning", "too long", "Four.")
    items, general = review.post_items("x.po", po, "", [flagged])
    assert [i.source for i in items] == ["Two.", "Three.", "Four."]
    two, three, four = items
    assert (two.before, two.after, two.origin) == ("One.", "Three.", "untranslated")
    assert (three.origin, three.previous) == ("memory (locales/ko/other.po)", "Tree.")
    assert four.findings == (flagged,) and four.worst == "warning"
    assert general == []


def test_a_broken_review_template_override_is_named_with_its_line(tmp_path: Path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    invoke(tmp_path, "translate", "--engine", "pseudo")
    override = tmp_path / "templates" / "review.html"
    override.parent.mkdir()
    override.write_text("<p>\n{% if %}\n", encoding="utf-8")
    with pytest.raises(PostlingoError) as err:
        CliRunner().invoke(cli, ["-C", str(tmp_path), "review"], catch_exceptions=False)
    assert (err.value.path, err.value.line) == (str(override), 2)
    assert "template error" in err.value.message
