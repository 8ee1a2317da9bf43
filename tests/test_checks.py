"""postlingo check: each problem the issue names is caught, with its exact place."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipeline import catalog, checks, checks_text, project
from pipeline import glossary as glossaries
from pipeline.cli import cli
from pipeline.config import CHECK_NAMES, Config, LocaleConfig
from pipeline.config import load as load_config
from pipeline.engines.pseudo import pseudolocalize
from pipeline.errors import PostlingoError


def problems(msgid: str, msgstr: str, *, src="en", dst="ko", fuzzy=False, **kw) -> set[str]:
    entry = polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"] if fuzzy else [], **kw)
    found = checks.entry_problems(entry, src, dst, kw.pop("glossary", checks.NO_GLOSSARY))
    return {check for check, _ in found}


# --- tags ---------------------------------------------------------------------


def test_reordered_tags_are_fine_for_korean_word_order():
    assert (
        problems(
            "Read <1>the guide</1> and <2>the FAQ</2>.", "<2>FAQ</2>와 <1>안내</1>를 읽으세요."
        )
        == set()
    )


@pytest.mark.parametrize(
    "msgstr",
    [
        "<1>안내</1>를 읽으세요.",  # lost <2/>
        "<1>안내</1><2/><2/>를 읽으세요.",  # doubled
        "<1>안내<2/>를 읽으세요.",  # unbalanced
        "</1>안내<1><2/>를 읽으세요.",  # badly nested
    ],
)
def test_tag_problems(msgstr):
    assert "tags" in problems("Read <1>the guide</1><2/>.", msgstr)


# --- numbers, URLs, e-mail ------------------------------------------------------


def test_korean_counters_and_units_next_to_numbers_are_allowed():
    assert (
        problems("회복에는 2~3일이 걸립니다.", "Recovery takes 2-3 days.", src="ko", dst="en")
        == set()
    )
    assert problems("It lasts 12 to 18 months.", "12~18개월 동안 지속됩니다.") == set()


def test_grouping_and_decimal_separators_of_other_locales_count_as_the_same_number():
    assert "numbers" not in problems("It costs 1,500 dollars.", "Cuesta 1.500 dólares.", dst="es")
    assert "numbers" not in problems("about 1000 cases", "حوالي ١٠٠٠ حالة", dst="ar")


def test_a_lost_or_changed_number_is_flagged():
    assert "numbers" in problems("Recovery takes 2 days.", "회복에는 3일이 걸립니다.")
    assert "numbers" in problems("Recovery takes 2 days.", "회복에는 이틀이 걸립니다.")


def test_urls_and_emails_must_survive_verbatim():
    src = "Write to info@clinic.example or see https://clinic.example/faq."
    ok = "info@clinic.example로 문의하거나 https://clinic.example/faq 를 보세요."
    assert problems(src, ok) == set()
    bad = "info@clinic.example로 문의하거나 https://clinic.example/FAQ 를 보세요."
    assert "urls" in problems(src, bad)
    assert "urls" in problems(src, "문의하거나 https://clinic.example/faq 를 보세요.")


# --- glossary and unchanged ------------------------------------------------------

GLOSSARY = glossaries.parse(
    "source,locale,target\nSMAS,*,\nmini facelift,ko,미니 안면거상\n", "glossary.csv"
)


def test_glossary_terms_must_be_used_as_configured():
    src = "A mini facelift lifts the SMAS layer."
    good = "미니 안면거상은 SMAS 층을 들어 올립니다."
    assert problems(src, good, glossary=GLOSSARY) == set()
    found = checks.entry_problems(
        polib.POEntry(msgid=src, msgstr="미니 페이스리프트는 근막층을 들어 올립니다."),
        "en",
        "ko",
        GLOSSARY,
    )
    messages = [m for c, m in found if c == "glossary"]
    assert messages == [
        "glossary term 'mini facelift' should be translated as '미니 안면거상' (glossary line 3)",
        "glossary term 'SMAS' should be kept as is (glossary line 2)",
    ]


def test_unchanged_is_flagged_unless_kept_by_glossary_or_language_neutral():
    assert "unchanged" in problems("Mini thread lifting", "Mini thread lifting")
    assert "unchanged" not in problems("SMAS", "SMAS", glossary=GLOSSARY)
    assert "unchanged" not in problems("<1>2024</1> — 10%", "<1>2024</1> — 10%")
    assert "unchanged" not in problems("https://clinic.example", "https://clinic.example")
    # the same language (en source, en-GB target) may legitimately stay as it is
    assert "unchanged" not in problems("Thread lifting", "Thread lifting", dst="en-GB")


# --- surface --------------------------------------------------------------------


def test_surface_problems():
    assert problems("Hello.", "   ") == {"empty"}
    assert "whitespace" in problems("Hello.", "안녕하세요. ")
    assert "whitespace" in problems(" Hello.", "안녕하세요.")
    assert "doubled-words" in problems(
        "The result is natural.", "El el resultado es natural.", dst="es"
    )
    assert "doubled-words" not in problems("Very very good.", "Muy muy bien.", dst="es")


def test_length_outliers_depend_on_the_language_pair():
    src = "Mini thread lifting is a minimally invasive procedure with little downtime."
    assert "length" not in problems(src, "미니 실리프팅은 회복 기간이 짧은 최소 침습 시술입니다.")
    assert "length" in problems(src, "시술.")
    assert "length" in problems(src, "Mini " * 60, dst="es")
    # Korean → English grows: a long English sentence is fine
    ko = "미니 실리프팅은 회복 기간이 짧은 최소 침습 시술입니다."
    assert "length" not in problems(ko, src, src="ko", dst="en")


def test_empty_untranslated_entries_are_not_per_entry_findings():
    assert problems("Hello.", "") == set()


# --- status problems -----------------------------------------------------------------


def test_reviewed_pseudo_text_is_an_error_and_skips_text_checks():
    text = pseudolocalize("Recovery takes 2 days.")
    assert problems("Recovery takes 2 days.", text) == {"pseudo"}
    assert problems("Recovery takes 2 days.", text, fuzzy=True) == set()  # reported per catalog


def test_machine_note_is_reported_until_reviewed():
    note = "machine: argos translate-en_ko 1.9 (beam 4)\nmachine-note: lost tag <2/>"
    src, mt = "See <1>this</1><2/>.", "<1>이것</1>을 보세요.<2/>"
    assert "machine-note" in problems(src, mt, fuzzy=True, tcomment=note)
    assert "machine-note" not in problems(src, mt, tcomment=note)


def test_outdated_fuzzy_translation_names_the_previous_source():
    found = problems(
        "Recovery takes 3 days.",
        "회복에는 2일이 걸립니다.",
        fuzzy=True,
        previous_msgid="Recovery takes 2 days.",
    )
    assert {"outdated", "numbers"} <= found


# --- origin and plumbing -------------------------------------------------------------


def test_origin_names_machine_memory_reviewer():
    machine = polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"], tcomment="machine: pseudo")
    memory = polib.POEntry(
        msgid="a", msgstr="b", flags=["fuzzy"], tcomment="memory: locales/ko/x.po"
    )
    assert checks.origin(machine) == "machine (pseudo)"
    assert checks.origin(memory) == "memory (locales/ko/x.po)"
    assert checks.origin(polib.POEntry(msgid="a", msgstr="b")) == "reviewer"
    assert checks.origin(polib.POEntry(msgid="a", msgstr="")) == "untranslated"


def test_every_check_has_a_default_severity_and_config_overrides_it():
    assert set(checks.DEFAULT_SEVERITY) == set(CHECK_NAMES)
    config = Config(checks={"length": "error", "tags": "off"})
    found = [
        checks.Finding("a.po", 3, "length", "", "long"),
        checks.Finding("a.po", 2, "tags", "", "missing tag"),
        checks.Finding("a.po", 1, "unchanged", "", "same"),
    ]
    applied = checks.apply_severities(found, config)
    assert [(f.check, f.severity) for f in applied] == [
        ("unchanged", "warning"),
        ("length", "error"),
    ]
    assert checks.has_errors(applied)
    assert not checks.has_errors(applied[:1])


def test_text_and_json_formats():
    found = [checks.Finding("locales/ko/post.po", 12, "tags", "error", "missing tag <2/>", "x<2/>")]
    assert checks.format_text(found) == "locales/ko/post.po:12: [tags] missing tag <2/>\n"
    assert json.loads(checks.format_json(found)) == [
        {
            "path": "locales/ko/post.po",
            "line": 12,
            "check": "tags",
            "severity": "error",
            "message": "missing tag <2/>",
            "msgid": "x<2/>",
        }
    ]


def test_msgstr_lines_point_at_the_msgstr_of_each_entry(tmp_path: Path):
    text = (
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n\n'
        '# machine: pseudo\n#, fuzzy\nmsgid ""\n"long"\nmsgstr "x"\n\n'
        'msgid "b"\nmsgstr ""\n"y"\n\n#~ msgid "old"\n#~ msgstr "z"\n'
    )
    path = tmp_path / "a.po"
    path.write_text(text)
    po = polib.pofile(str(path))
    lines = checks.msgstr_lines(text)
    assert [lines[e.linenum] for e in po if not e.obsolete] == [9, 12]


def test_msgstr_lines_follow_the_reader_without_blank_lines_and_past_bare_markers():
    """An entry begins after the last msgstr, as the reader sees it; `#|` alone is no token."""
    text = (
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '#. heading\nmsgid "a"\nmsgstr "x"\n#| #~ \n#: post.md:4\nmsgid "b"\nmsgstr "y"\n'
    )
    po = catalog.parse(text, Path("a.po"))
    lines = checks.msgstr_lines(text)
    assert [lines[e.linenum] for e in po] == [8, 12]


def test_findings_point_at_each_msgstr():
    # A catalog without a header is refused by msgfmt --check, and so by the reader.
    header = 'msgid ""\nmsgstr "Language: ko\\n"\n\n'
    text = header + 'msgid "Read <1>this</1>."\nmsgstr "읽기."\n\nmsgid "Bye 2."\nmsgstr "안녕."\n'
    item = checks.CatalogFile("a.po", "ko", text, catalog.parse(text, Path("a.po")), None)
    found = {(f.check, f.line) for f in checks.check_catalog(item, Config())}
    assert {("tags", 5), ("numbers", 8)} <= found
    with pytest.raises(PostlingoError, match="no header entry"):
        catalog.parse(text[len(header) :], Path("a.po"))


def test_repeated_numbers_in_the_source_do_not_excuse_a_doubled_word():
    assert checks_text.doubled_word_messages("Press 1 1 to confirm.", "1 1 을 눌러 확인 확인.") == [
        "word '확인' is doubled"
    ]
    assert checks_text.doubled_word_messages("It is very very safe.", "아주 아주 안전합니다.") == []


@given(st.text(), st.text())
def test_text_checks_never_raise(msgid, msgstr):
    entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
    for check, message in checks.entry_problems(entry, "ko", "en", GLOSSARY):
        assert check in CHECK_NAMES and message


@given(st.from_regex(r"[0-9]{1,6}", fullmatch=True))
def test_a_number_always_survives_itself(n):
    assert not checks_text.number_messages(f"about {n} cases", f"약 {n}건")


def test_locale_config_threshold_default_is_off():
    assert LocaleConfig().min_translated == 0


# --- the command, on a fixture project -------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "checks"
POST = "thread-lifting"
REVIEWED = {
    "ko": {
        "Thread lifting notes": "실 리프팅 안내",
        "Recovery usually takes 2~3 days after the procedure.": "시술 후 회복에는 보통 2~3일이 걸립니다.",
        "Read <1>the aftercare guide</1> before your visit.": "방문 전에 <1>사후 관리 안내</1>를 읽어 주세요.",
        "Write to <1>info@clinic.example</1> or visit <2>https://clinic.example/faq</2> for details.": (
            "자세한 내용은 <1>info@clinic.example</1> 로 문의하시거나 "
            "<2>https://clinic.example/faq</2> 를 방문하세요."
        ),
        "A mini facelift lifts the SMAS layer itself.": "미니 안면거상은 SMAS 층 자체를 들어 올립니다.",
        "Most patients return to work the next day and feel comfortable.": (
            "대부분의 환자는 다음 날 업무에 복귀하며 편안함을 느낍니다."
        ),
    },
    "ja": {
        "Thread lifting notes": "糸リフトのメモ",
        "Recovery usually takes 2~3 days after the procedure.": "施術後の回復には通常2~3日かかります。",
        "Read <1>the aftercare guide</1> before your visit.": (
            "ご来院の前に<1>アフターケアガイド</1>をお読みください。"
        ),
        "Write to <1>info@clinic.example</1> or visit <2>https://clinic.example/faq</2> for details.": (
            "詳しくは <1>info@clinic.example</1> までご連絡いただくか、"
            "<2>https://clinic.example/faq</2> をご覧ください。"
        ),
        "A mini facelift lifts the SMAS layer itself.": "ミニフェイスリフトはSMAS層そのものを引き上げます。",
        "Most patients return to work the next day and feel comfortable.": (
            "ほとんどの患者様は翌日には仕事に復帰し、快適に過ごされます。"
        ),
    },
}


def po_file(root: Path, locale: str, slug: str = POST) -> Path:
    return root / "locales" / locale / f"{slug}.po"


def edit(root: Path, locale: str, changes: dict[str, str], *, fuzzy: bool = False, **extra) -> None:
    """A reviewer's edit: set msgstrs and clear (or keep) fuzzy, then save as we would."""
    path = po_file(root, locale)
    po = catalog.load(path)
    for entry in po:
        if entry.msgid in changes:
            entry.msgstr = changes[entry.msgid]
            entry.flags = ["fuzzy"] if fuzzy else []
            for key, value in extra.items():
                setattr(entry, key, value)
    path.write_text(catalog.dump(po, 79), encoding="utf-8")


def msgstr_line(root: Path, locale: str, msgid: str) -> int:
    """Where the entry's msgstr is written, found independently of checks.msgstr_lines."""
    lines = po_file(root, locale).read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("msgid "):
            j, text = i + 1, line[len("msgid ") :].strip('"')
            while lines[j].startswith('"'):
                text, j = text + lines[j].strip('"'), j + 1
            if text.replace('\\"', '"') == msgid:
                return j + 1  # the msgstr follows the msgid's last line
    raise AssertionError(f"{msgid!r} not in the catalog")


def check(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), "check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def clean_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    config = load_config(root)
    project.translate(config, project.load_documents(config), engine="pseudo")
    for locale, changes in REVIEWED.items():
        edit(root, locale, changes)
    return root


@pytest.fixture
def root(clean_project: Path, tmp_path: Path) -> Path:
    shutil.copytree(clean_project, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_a_clean_project_passes(root):
    assert check(root) == (0, "")
    code, out = check(root, "--format", "json")
    assert (code, json.loads(out)) == (0, [])


KO = REVIEWED["ko"]
GUIDE = "Read <1>the aftercare guide</1> before your visit."
DAYS = "Recovery usually takes 2~3 days after the procedure."
MAIL = "Write to <1>info@clinic.example</1> or visit <2>https://clinic.example/faq</2> for details."
SMAS = "A mini facelift lifts the SMAS layer itself."
WORK = "Most patients return to work the next day and feel comfortable."


@pytest.mark.parametrize(
    ("msgid", "msgstr", "expected"),
    [
        (GUIDE, "방문 전에 <1>사후 관리 안내를 읽어 주세요.", "[tags] missing tag </1>"),
        (
            GUIDE,
            "방문 전에 </1>사후 관리 안내<1>를 읽어 주세요.",
            "[tags] tag </1> is not properly nested",
        ),
        (DAYS, "시술 후 회복에는 보통 며칠이 걸립니다.", "[numbers] numbers 2, 3 are missing"),
        (
            MAIL,
            "자세한 내용은 <1></1><2>https://clinic.example/faq</2> 를 방문하세요.",
            "[urls] e-mail address info@clinic.example is missing or changed",
        ),
        (
            SMAS,
            "미니 페이스리프트는 SMAS 층 자체를 들어 올립니다.",
            "[glossary] glossary term 'mini facelift' should be translated as '미니 안면거상'",
        ),
        (WORK, WORK, "[unchanged] translation is the same as the source"),
        (WORK, " \t", "[empty] translation is only whitespace"),
        (
            WORK,
            "대부분의 환자는 다음 날 업무에 복귀하며 편안함을 느낍니다. ",
            "[whitespace] trailing whitespace",
        ),
        (
            WORK,
            "대부분의 환자는 다음 날 날 업무에 복귀하며 편안함을 느낍니다.",
            "[doubled-words] word '날' is doubled",
        ),
        (WORK, "복귀.", "[length] translation is 0.05× as long as the source"),
        (WORK, pseudolocalize(WORK), "[pseudo] pseudo-localized text marked as reviewed"),
    ],
)
def test_each_problem_gives_one_exact_line(root, msgid, msgstr, expected):
    edit(root, "ko", {msgid: msgstr})
    code, out = check(root)
    line = msgstr_line(root, "ko", msgid)
    assert out.startswith(f"locales/ko/{POST}.po:{line}: {expected}"), out
    assert len(out.splitlines()) == 1, out
    name = expected[1 : expected.index("]")]
    assert code == (1 if checks.DEFAULT_SEVERITY[name] == "error" else 0)


def test_machine_notes_on_unreviewed_entries(root):
    note = "machine: argos translate-en_ja 1.9 (beam 4)\nmachine-note: lost tag </1>"
    edit(
        root,
        "ja",
        {GUIDE: "ご来院の前に<1>アフターケアガイド</1>をお読みください。"},
        fuzzy=True,
        tcomment=note,
    )
    code, out = check(root)
    line = msgstr_line(root, "ja", GUIDE)
    assert (
        out == f"locales/ja/{POST}.po:{line}: [machine-note] machine translation: lost tag </1>\n"
    )
    assert code == 0  # a warning by default


def test_fuzzy_share_against_min_translated(root):
    edit(root, "ko", {DAYS: KO[DAYS], GUIDE: KO[GUIDE]}, fuzzy=True)
    code, out = check(root)
    assert code == 1
    assert out == (
        f"locales/ko/{POST}.po:1: [translated] 67% reviewed, below min_translated 80% "
        "(4 reviewed, 2 fuzzy, 0 untranslated of 6)\n"
    )


def test_pseudo_catalogs_are_reported_once_per_catalog(root):
    edit(root, "ja", {m: pseudolocalize(m) for m in REVIEWED["ja"]}, fuzzy=True)
    code, out = check(root)
    assert code == 1
    first = msgstr_line(root, "ja", "Thread lifting notes")
    assert out.startswith(
        f"locales/ja/{POST}.po:{first}: [pseudo] 6 of 6 entries are pseudo-localized"
    )
    assert len(out.splitlines()) == 1


def test_severity_is_configurable(root):
    edit(root, "ko", {WORK: WORK})
    config = root / "postlingo.toml"
    config.write_text(config.read_text() + '\n[checks]\nunchanged = "error"\nnumbers = "off"\n')
    code, out = check(root)
    assert code == 1 and "[unchanged]" in out
    edit(root, "ko", {WORK: KO[WORK], DAYS: "시술 후 회복에는 보통 며칠이 걸립니다."})
    assert check(root) == (0, "")


# --- bad input: a finding, never a traceback ------------------------------------------


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-C", str(root), *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )


def test_bad_input_gives_precise_findings_and_no_traceback(root):
    broken = po_file(root, "ja")
    lines = broken.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("msgid") and i > 2)
    lines.insert(at, 'msgstr "dangling"')  # a msgstr with no msgid
    broken.write_text("\n".join(lines), encoding="utf-8")
    shutil.copy(po_file(root, "ko"), po_file(root, "ko", "gone-post"))
    header = po_file(root, "en", POST)
    header.parent.mkdir(exist_ok=True)
    shutil.copy(po_file(root, "ko"), header)  # Language: ko, in en/ (and the post is English)
    edit(root, "ko", {GUIDE: "방문 전에 <1>사후 관리 안내<1>를 읽어 주세요."})

    done = run_cli(root, "check")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    out = done.stdout.splitlines()
    assert (
        f"locales/ja/{POST}.po:{at + 1}: [syntax] invalid PO file: syntax error: unexpected 'msgstr'"
        in out
    ), out
    assert "locales/ko/gone-post.po:1: [orphan] no source post for this catalog" in out
    assert (
        f"locales/en/{POST}.po:1: [language] Language header says 'ko', but the catalog is in en/"
        in out
    )
    guide = msgstr_line(root, "ko", GUIDE)
    assert f"locales/ko/{POST}.po:{guide}: [tags] missing tag </1>" in out
    assert f"locales/ko/{POST}.po:{guide}: [tags] extra tag <1>" in out


def test_unknown_check_in_config_is_a_usage_error(root):
    config = root / "postlingo.toml"
    config.write_text(config.read_text() + '\n[checks]\nplaceholder = "error"\n')
    done = run_cli(root, "check")
    assert done.returncode == 2
    assert "unknown check checks.placeholder" in done.stderr
    assert "Traceback" not in done.stderr


# --- status, made exact -------------------------------------------------------------------


def test_status_never_counts_fuzzy_as_translated(root):
    edit(root, "ko", {DAYS: KO[DAYS], GUIDE: KO[GUIDE]}, fuzzy=True)
    result = CliRunner().invoke(cli, ["-C", str(root), "status", "--json", "--to", "ko"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["entries"], row["reviewed"], row["machine"], row["untranslated"]) == (6, 4, 2, 0)
    assert row["percent_reviewed"] == 66.7
    text = CliRunner().invoke(cli, ["-C", str(root), "status", "--to", "ko"]).stdout
    assert "66.7%" in text.splitlines()[-1]


@pytest.mark.parametrize(
    ("msgid", "words"),
    [
        ("회복에는 보통 <1>2~3일이</1> 걸립니다.", 4),  # eojeol, tags aside
        ("Read <1>the aftercare guide</1> before your visit.", 7),
        ("It's a safe, gentle procedure for 2 days.", 8),
    ],
)
def test_words_count_for_korean_and_english(msgid, words):
    assert catalog.word_count(msgid) == words
