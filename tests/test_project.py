"""The run stages on small temporary projects, in process."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline import building, project
from pipeline.config import load
from pipeline.errors import PostlingoError

POST = "---\ntitle: {title}\nlang: en\n---\n\n{body}\n"


def make(tmp_path: Path, posts: dict[str, str], targets: str = '["ko"]') -> Path:
    (tmp_path / "postlingo.toml").write_text(f'targets = {targets}\nengine = "pseudo"\n')
    (tmp_path / "source").mkdir()
    for slug, body in posts.items():
        (tmp_path / "source" / f"{slug}.md").write_text(POST.format(title=slug, body=body))
    return tmp_path


def translate(root: Path, *selection: str) -> project.TranslateResult:
    config = load(root)
    return project.translate(config, project.load_documents(config, selection))


def test_reviewed_sentence_is_reused_from_another_post_as_fuzzy_with_its_origin(tmp_path):
    root = make(tmp_path, {"a": "Book a consultation today.", "b": "Hello there."})
    translate(root)
    path = root / "locales" / "ko" / "a.po"
    po = polib.pofile(str(path))
    entry = po.find("Book a consultation today.")
    entry.msgstr, entry.flags = "오늘 상담을 예약하세요.", []
    po.save(str(path))
    (root / "source" / "b.md").write_text(POST.format(title="b", body="Book a consultation today."))
    result = translate(root, "b")
    assert result.memory == 1
    reused = polib.pofile(str(root / "locales" / "ko" / "b.po")).find("Book a consultation today.")
    assert reused.msgstr == "오늘 상담을 예약하세요." and reused.fuzzy
    assert "memory: locales/ko/a.po" in reused.tcomment


def test_one_engine_call_per_language_pair_over_all_posts(tmp_path, monkeypatch):
    root = make(tmp_path, {"a": "Same sentence. Only in a.", "b": "Same sentence. Only in b."})
    calls: list[list[str]] = []
    from pipeline.engines.pseudo import PseudoEngine

    original = PseudoEngine.translate

    def spy(self, texts, source, target, progress=None):
        calls.append(list(texts))
        return original(self, texts, source, target)

    monkeypatch.setattr(PseudoEngine, "translate", spy)
    translate(root)
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(["a", "b", "Same sentence.", "Only in a.", "Only in b."])
    translate(root)
    assert len(calls) == 1  # nothing left to translate: no engine call at all


def test_a_post_is_never_translated_into_its_own_language(tmp_path):
    root = make(tmp_path, {"a": "Hello there."}, targets='["en", "ko"]')
    translate(root)
    assert (root / "locales" / "ko" / "a.po").is_file()
    assert not (root / "locales" / "en").exists()


def test_duplicate_slugs_and_unknown_targets_are_errors(tmp_path):
    root = make(tmp_path, {"a": "Hello there."})
    (root / "source" / "a.txt").write_text("a\nHello again.\n")
    with pytest.raises(PostlingoError, match="slug 'a' is also used by"):
        project.load_documents(load(root))
    (root / "source" / "a.txt").unlink()
    config = load(root)
    with pytest.raises(PostlingoError, match="ja not among the configured targets"):
        project.translate(config, project.load_documents(config), only=["ja"])


def test_a_block_marked_translate_no_is_shown_as_written_on_every_page(tmp_path):
    root = make(tmp_path, {})
    (root / "source" / "clinic.html").write_text(
        '<html lang="en"><head><title>Visit us</title></head><body>'
        "<p>We are open every day.</p>"
        '<div translate="no" class="address">Seoul <b>Gangnam</b> Clinic &amp; Co.</div>'
        "</body></html>",
        encoding="utf-8",
    )
    config = load(root)
    docs = project.load_documents(config)
    project.translate(config, docs)
    pot = (root / "locales" / "clinic.pot").read_text(encoding="utf-8")
    assert "We are open every day." in pot and "Gangnam" not in pot
    building.build(config, docs, pseudo=True)
    kept = '<div translate="no" class="address">Seoul <b>Gangnam</b> Clinic &amp; Co.</div>'
    for locale in ("en", "ko"):
        assert kept in (root / "site" / locale / "clinic.html").read_text(encoding="utf-8")
