"""The strict PO reader against GNU msgfmt: broken catalogs, each judged by both.

Hypothesis mutates valid catalogs the way hands and tools break them (a line
deleted or doubled, a quote dropped, a bad escape, a keyword changed, a
`msgstr[1]` added, the charset changed, a `#~` or `#|` marker added, the
header's Plural-Forms replaced by another language's or broken...). For
every file: if `msgfmt --check` reports a fatal error, postlingo rejects it on
the same line (the reader, or for msgfmt's per-entry newline rule the `newlines`
error of `postlingo check`); if msgfmt accepts it, postlingo reads it and
`check` has no such error. Differences that are
deliberate: postlingo refuses a charset other than UTF-8 and escapes whose bytes
are not UTF-8 (counted apart), and names the line of a string cut by its end of
line (msgfmt names the next one).
`teardown_module` prints how many files were tried and how many agreed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import catalog, checks, files
from pipeline.config import Config
from pipeline.engines import MachineTranslation
from pipeline.errors import PostlingoError
from tests.test_fuzz_catalog_config import PO_SEED

MSGFMT = shutil.which("msgfmt")
pytestmark = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")
EXAMPLES = int(os.environ.get("POSTLINGO_DIFF_EXAMPLES", "400"))
# The same examples on every run (tests/conftest.py) unless more are asked for:
# `POSTLINGO_DIFF_EXAMPLES=20000 make test` explores anew.
FIXED_DRAW = "POSTLINGO_DIFF_EXAMPLES" not in os.environ and not os.environ.get("POSTLINGO_EXPLORE")


def _written_seed() -> bytes:
    """A catalog as translate writes it: header, fuzzy machine output, previous msgid, obsolete."""
    pot = polib.POFile()
    pot.metadata = {"Project-Id-Version": "blog", "Content-Type": "text/plain; charset=UTF-8"}
    texts = [
        "Mini <1>thread</1> lifting",
        'A long sentence that wraps across lines, with "quotes", a tab\t and a backslash \\ '
        "too, and enough words to need a second line.",
        "Recovery takes 2~3 days.",
    ]
    for n, text in enumerate(texts):
        pot.append(polib.POEntry(msgid=text, occurrences=[("source/post.md", str(3 + n))]))
    old = polib.POFile()
    old.append(polib.POEntry(msgid="Recovery takes 2 days.", msgstr="회복에는 2일이 걸립니다."))
    old.append(polib.POEntry(msgid="Gone sentence.", msgstr="사라진 문장.", tcomment="검토함"))
    po = catalog.merge(pot, old, "ko")
    catalog.fill(po, {texts[0]: MachineTranslation("미니 <1>실</1> 리프팅", "pseudo")})
    po[1].msgstr = "긴 문장, 두 줄"  # reviewed
    return catalog.dump(po, 79).encode()


SEEDS = [PO_SEED, _written_seed()]

KEYWORDS = ["msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[0]", "msgstr[1]", "msgfoo"]
ESCAPES = ["\\q", "\\u00e9", "\\x", "\\8", "\\", "\\x41", "\\101", "\\n", "\\004", "\\0"]
CHARSETS = ["ISO-8859-1", "EUC-KR", "ASCII", "utf8", "UTF-8"]
PLURAL_FORMS = [
    "nplurals=1; plural=0;",
    "nplurals=2; plural=(n != 1);",
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || "
    "n%100>=20) ? 1 : 2);",
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);",
]
# What lands in a Plural-Forms line by hand or by a tool: a NUL, stray characters, a line break.
PLURAL_GARBAGE = ["\\0", "\0", "x", "-", "(", ")", "?", ":", ";", "=", "/0", "%0", "|", "&",
                  "!", "n", "9", " ", "\\n", "\\t", "nplurals=", "plural="]  # fmt: skip
NPLURALS = ["0", "1", "2", "3", "6", "x", "", "-1", " 2", "99999999999999999999999"]
KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)")


@st.composite
def broken(draw: st.DrawFn) -> bytes:
    """A valid catalog with one to three edits of the kinds people and tools make."""
    lines = draw(st.sampled_from(SEEDS)).decode().split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        op = draw(
            st.sampled_from(
                ["delete", "double", "quote", "escape", "keyword", "plural", "charset",
                 "obsolete", "previous", "swap", "newline", "comment", "plural-forms"]
            )
        )  # fmt: skip
        if op == "delete":
            del lines[i]
        elif op == "double":
            lines.insert(i, line)
        elif op == "quote" and '"' in line:
            quotes = [m.start() for m in re.finditer('"', line)]
            at = draw(st.sampled_from(quotes))
            lines[i] = line[:at] + line[at + 1 :]
        elif op == "escape" and '"' in line:
            inside = line.index('"') + 1
            at = draw(st.integers(inside, max(inside, len(line) - 1)))
            lines[i] = line[:at] + draw(st.sampled_from(ESCAPES)) + line[at:]
        elif op == "keyword" and KEYWORD.search(line):
            lines[i] = KEYWORD.sub(draw(st.sampled_from(KEYWORDS)), line, count=1)
        elif op == "plural":
            lines.insert(i + 1, 'msgstr[1] "둘"')
        elif op == "charset":
            lines = [ln.replace("UTF-8", draw(st.sampled_from(CHARSETS))) for ln in lines]
        elif op == "obsolete":
            lines[i] = line[3:] if line.startswith("#~ ") else "#~ " + line
        elif op == "previous":
            lines[i] = "#| " + line
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "newline" and line.rstrip().endswith('"'):
            lines[i] = line.rstrip()[:-1] + '\\n"'
        elif op == "comment":
            lines.insert(i, "# a reviewer's note")
        elif op == "plural-forms":
            lines = draw(plural_forms_edited(lines))
    return "\n".join(lines).encode()


@st.composite
def plural_forms_edited(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """The header's Plural-Forms line another language's, and perhaps broken."""
    at = next((n for n, line in enumerate(lines) if '"Plural-Forms:' in line), None)
    if at is None:
        return lines
    value = draw(st.sampled_from(PLURAL_FORMS))
    edit = draw(st.sampled_from(["none", "insert", "delete", "nplurals"]))
    if edit == "insert":
        i = draw(st.integers(0, len(value)))
        value = value[:i] + draw(st.sampled_from(PLURAL_GARBAGE)) + value[i:]
    elif edit == "delete":
        i = draw(st.integers(0, len(value) - 1))
        value = value[:i] + value[i + 1 :]
    elif edit == "nplurals":
        value = re.sub(r"nplurals=\d+", "nplurals=" + draw(st.sampled_from(NPLURALS)), value)
    return [*lines[:at], f'"Plural-Forms: {value}\\n"', *lines[at + 1 :]]


_FATAL = re.compile(r"^[^:\n]+\.po:(\d+)(?::\d+)?: (?!warning)(.*)$", re.M)


def msgfmt(data: bytes) -> tuple[bool, int | None, str]:
    """(accepted, line of the first fatal error, its message) as msgfmt --check says."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.po"
        path.write_bytes(data)
        run = subprocess.run(
            [MSGFMT or "msgfmt", "--check", "-o", os.devnull, str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            env={**os.environ, "LC_ALL": "C"},
            check=False,
        )
    if run.returncode == 0:
        return True, None, ""
    first = _FATAL.search(run.stderr)
    if first is None:
        return False, None, run.stderr.strip()
    line, message = int(first.group(1)), first.group(2)
    if message.startswith("end-of-line within string"):
        line -= 1  # msgfmt has already counted the newline; postlingo names the string's line
    return False, line, message


def postlingo(data: bytes) -> PostlingoError | None:
    """The reader's error; for a file it reads, the first `newlines` error `check` reports.

    msgfmt --check-format refuses a translation that does not begin and end with
    "\\n" as its msgid does; postlingo reads such a catalog (one slip should not
    make the whole file unreadable) and its `check` fails on that line.
    """
    path = Path("locales/ko/post.po")
    text = files.decode(data, path)
    try:
        po = catalog.parse(text, path)
    except PostlingoError as exc:
        return exc
    item = checks.CatalogFile(str(path), "ko", text, po, None)
    found = [f for f in checks.check_catalog(item, Config()) if f.check == "newlines"]
    if found:
        first = min(found, key=lambda f: f.line or 0)
        return PostlingoError(f"[newlines] {first.message}", path, first.line)
    return None


TALLY: Counter[str] = Counter()


def judge(data: bytes) -> str:
    """How postlingo's verdict compares with msgfmt's, as one word (see teardown_module)."""
    accepted, line, message = msgfmt(data)
    ours = postlingo(data)
    if ours is not None and (
        "is not supported: postlingo reads and writes UTF-8" in ours.message
        or "do not make UTF-8 text" in ours.message
    ):
        return "utf-8"  # stricter by design: msgfmt converts other charsets, keeps any bytes
    if accepted:
        return "agree" if ours is None else f"postlingo rejects, msgfmt accepts: {ours}"
    if ours is None:
        return f"msgfmt rejects ({line}: {message}), postlingo accepts"
    if ours.line != line:
        return f"msgfmt says line {line} ({message}), postlingo {ours}"
    return "agree"


@pytest.mark.parametrize("seed", SEEDS, ids=["fuzz-seed", "as-written"])
def test_the_seeds_are_valid_for_both(seed: bytes):
    assert msgfmt(seed)[0] and postlingo(seed) is None


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=FIXED_DRAW,
    database=None if FIXED_DRAW else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(broken())
def test_postlingo_rejects_what_msgfmt_rejects_on_the_same_line(data: bytes):
    verdict = judge(data)
    TALLY["tried"] += 1
    TALLY["rejected by msgfmt"] += not msgfmt(data)[0]
    TALLY[verdict if verdict in ("agree", "utf-8") else "disagree"] += 1
    assert verdict in ("agree", "utf-8"), f"{verdict}\n{data.decode(errors='replace')}"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('msgid "a"\nmsgstr "변하지 않는 것\n', 6, "closing quote"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 5, "missing 'msgstr'"),
        ('msgid "a"\nmsgfoo "b"\n', 6, 'keyword "msgfoo" unknown'),
        ('msgid "a"\nmsgstr "b\\q"\n', 6, "invalid control sequence"),
        ('msgid "a"\nmsgstr[1] "b"\n', 6, "first plural form has nonzero index"),
        ('msgid "a"\nmsgstr[0] "b"\n', 5, "missing 'msgid_plural'"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 8, "duplicate msgid"),
        ('msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', None, ""),
        ('#~ msgid "a"\nmsgstr "b"\n', 6, "inconsistent use of #~"),
        (
            'msgid "a"\nmsgstr "b\\n"\n',
            6,
            "[newlines] 'msgid' and 'msgstr' entries do not both end",
        ),
        ('#, fuzzy\nmsgid "a"\nmsgstr "b\\n"\n', None, ""),
        ('msgid "a"\nmsgstr "b"\n\nmsg', 8, 'keyword "msg" unknown'),  # cut at the end
    ],
)
def test_each_kind_of_error_names_its_line(body: str, line: int | None, words: str):
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    data = (header + body).encode()
    error = postlingo(data)
    if line is None:
        assert error is None and msgfmt(data)[0]
        return
    assert error is not None and error.line == line and words in error.message
    kind = "[newlines] " if words.startswith("[newlines]") else "invalid PO file: "
    assert str(error).startswith(f"locales/ko/post.po:{line}: {kind}")
    assert msgfmt(data)[:2] == (False, line)


def test_a_non_utf8_charset_is_refused_on_its_line():
    text = PO_SEED.decode().replace("charset=UTF-8", "charset=ISO-8859-1")
    error = postlingo(text.encode())
    line = next(n for n, t in enumerate(text.split("\n"), 1) if "charset=" in t)
    assert error is not None and error.line == line and "UTF-8" in error.message


def test_a_charset_outside_content_type_is_the_one_msgfmt_reads():
    """msgfmt takes the first "charset=" anywhere in the header, even in a mangled field."""
    text = (
        PO_SEED.decode().replace('"Content-Type:', '"\\x0content-Type:').replace("UTF-8", "EUC-KR")
    )
    error = postlingo(text.encode())
    assert error is not None and "charset EUC-KR is not supported" in error.message
    assert not msgfmt(text.encode())[0]


def test_the_catalog_read_is_what_polib_reads_from_a_valid_file(tmp_path: Path):
    """Same entries, comments, flags, previous msgids and header as polib's own reader."""
    for seed in SEEDS:
        path = tmp_path / "a.po"
        path.write_bytes(seed)
        ours, theirs = catalog.parse(seed.decode(), path), polib.pofile(str(path))
        assert ours.metadata == theirs.metadata and ours.header == theirs.header
        fields = (
            "msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr_plural", "obsolete", "flags",
            "comment", "tcomment", "occurrences", "previous_msgid", "previous_msgctxt",
        )  # fmt: skip
        assert [[getattr(e, f) for f in fields] for e in ours] == [
            [getattr(e, f) for f in fields] for e in theirs
        ]


def teardown_module() -> None:
    if TALLY["tried"]:
        print(
            f"\nmsgfmt differential: {TALLY['tried']} mutated catalogs tried, "
            f"{TALLY['rejected by msgfmt']} rejected by msgfmt; {TALLY['agree']} agreed "
            f"(same verdict, same line), {TALLY['utf-8']} refused by postlingo alone for a "
            f"non-UTF-8 charset or escapes that are not UTF-8 (by design), "
            f"{TALLY['disagree']} disagreed"
        )
