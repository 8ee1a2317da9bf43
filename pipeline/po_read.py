"""Read PO text at least as strictly as GNU msgfmt --check, naming the line of each problem.

polib accepts files msgfmt refuses: it cuts the last character of a string
without its closing quote, ignores unknown keywords and reads `msgstr[1]` on a
singular entry. A reviewer's typo must never reach a page silently, so this
reader follows gettext 0.21 instead: the tokens of po-lex.c (with `\\` + newline
as a line continuation, `#~` obsolete and `#|` previous markers), the grammar of
po-gram.y, the duplicate check of read-catalog.c and the checks msgfmt --check
makes afterwards of the whole file (check_plural: the header's nplurals and
plural expression, judged by plural_forms.py, and each plural entry's forms
against them, on the header's msgstr line as msgfmt names it). Errors
come in the order msgfmt finds them, and the first one is raised. What msgfmt
--check-format says of one entry (a translation that does not begin and end
with "\\n" as its msgid does) is the `newlines` check of `postlingo check`, on
the same line, so one slip does not make the whole catalog unreadable. It builds polib objects with polib's public API only; po_format.py
writes them.

Where postlingo is stricter than msgfmt, on purpose: the charset must be
UTF-8 (every catalog this project writes is), and escapes must give UTF-8 text.
Where it names a different line: a string cut by the end of its line is
reported on that line; msgfmt names the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import plural_forms
from pipeline.errors import PostlingoError

__all__ = ["parse"]

_EOF = ""
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_SIMPLE_ESCAPES = {"n": 10, "t": 9, "b": 8, "r": 13, "f": 12, "v": 11, "a": 7, "\\": 92, '"': 34}
_KEYWORDS = {"domain", "msgid", "msgid_plural", "msgstr", "msgctxt"}
_PREVIOUS_KEYWORDS = {"msgid", "msgid_plural", "msgctxt"}
_UTF8 = {"utf-8", "utf8"}
# Fast paths over what nearly every catalog holds; anything else (a line continued
# by a backslash, an octal or hex escape, NUL or EOT, an unclosed string) takes
# the character-by-character way, which names the problem.
_PLAIN_STRING = re.compile(r'((?:[^"\\\n\0\x04]|\\[ntbrfva\\"])*)"')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {k: chr(v) for k, v in _SIMPLE_ESCAPES.items()}


@dataclass(frozen=True)
class _Token:
    kind: str  # a keyword, STRING, NUMBER, [, ], COMMENT, NAME, JUNK or EOF
    line: int  # where the lexer stood after it, as gettext records it
    obsolete: bool = False
    previous: bool = False
    value: str = ""
    start: int = 0  # a comment's own line


class _Error(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class _Lexer:
    """po-lex.c's po_gram_lex: one token at a time, errors as they are met."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.obsolete = False
        self.previous = False

    def getc(self) -> str:
        while self.i < len(self.text):
            ch = self.text[self.i]
            self.i += 1
            if ch == "\n":
                self.line += 1
            elif ch == "\\" and self.text.startswith("\n", self.i):
                self.i += 1  # backslash-newline continues the line
                self.line += 1
                continue
            return ch
        return _EOF

    def ungetc(self, ch: str) -> None:
        if ch != _EOF:
            self.i -= 1
            if ch == "\n":
                self.line -= 1

    def token(self, kind: str, **more: object) -> _Token:
        return _Token(kind, self.line, self.obsolete, self.previous, **more)  # type: ignore[arg-type]

    def next(self) -> _Token:
        while True:
            ch = self.getc()
            if ch == _EOF:
                return _Token("EOF", self.line)
            if ch == "\n":
                self.obsolete = self.previous = False
            elif ch in " \t\r\f\v":
                continue
            elif ch == "#":
                start = self.line
                ch = self.getc()
                if ch == "~":
                    self.obsolete = True
                    ch = self.getc()
                    if ch == "|":
                        self.previous = True
                    else:
                        self.ungetc(ch)
                    continue
                if ch == "|":
                    self.previous = True
                    continue
                end = self.text.find("\n", self.i - 1) if ch not in (_EOF, "\n") else -1
                if end > 0 and self.text[end - 1] != "\\":  # the line is not continued
                    rest = self.text[self.i - 1 : end]
                    self.i, self.line = end + 1, self.line + 1
                    comment = self.token("COMMENT", value=rest, start=start)
                    self.obsolete = False
                    return comment
                chars = []
                while ch not in (_EOF, "\n"):
                    chars.append(ch)
                    ch = self.getc()
                comment = self.token("COMMENT", value="".join(chars), start=start)
                self.obsolete = False
                return comment
            elif ch == '"':
                return self._string()
            elif ch.isascii() and (ch.isalpha() or ch in "_$"):
                return self._word(ch)
            elif ch.isascii() and ch.isdigit():
                digits = [ch]
                ch = self.getc()
                while ch.isascii() and ch.isdigit():
                    digits.append(ch)
                    ch = self.getc()
                self.ungetc(ch)
                return self.token("NUMBER", value="".join(digits))
            elif ch in "[]":
                return self.token(ch)
            else:
                return self.token("JUNK")

    def _word(self, ch: str) -> _Token:
        chars = [ch]
        ch = self.getc()
        while ch and ch.isascii() and (ch.isalnum() or ch in "_$"):
            chars.append(ch)
            ch = self.getc()
        self.ungetc(ch)
        word = "".join(chars)
        if word in (_PREVIOUS_KEYWORDS if self.previous else _KEYWORDS):
            return self.token(word)
        raise _Error(f'keyword "{word}" unknown', self.line)

    def _string(self) -> _Token:
        plain = _PLAIN_STRING.match(self.text, self.i)
        if plain is not None:
            self.i = plain.end()
            value = plain.group(1)
            if "\\" in value:
                value = _ESCAPE.sub(lambda m: _ESCAPED[m.group(1)], value)
            return self.token("STRING", value=value)
        data = bytearray()
        while True:
            ch = self.getc()
            if ch == _EOF:
                raise _Error("end-of-file within string: the closing quote is missing", self.line)
            if ch == "\n":
                raise _Error(
                    "end-of-line within string: the closing quote is missing", self.line - 1
                )
            if ch == '"':
                break
            if ch == "\\":
                data.append(self._escape())
            else:
                data += ch.encode("utf-8")
        if 4 in data:
            raise _Error("context separator <EOT> within string", self.line)
        raw = bytes(data).split(b"\0", 1)[0]  # gettext keeps a C string: up to the first NUL
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Error(
                "escape sequences in this string do not make UTF-8 text", self.line
            ) from None
        return self.token("STRING", value=value)

    def _escape(self) -> int:
        ch = self.getc()
        if ch in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[ch]
        if ch and ch in "01234567":
            value = int(ch)
            for _ in range(2):
                ch = self.getc()
                if not (ch and ch in "01234567"):
                    self.ungetc(ch)
                    break
                value = value * 8 + int(ch)
            return value & 0xFF
        if ch == "x":
            ch = self.getc()
            digits = ""
            while ch and ch in "0123456789abcdefABCDEF":
                digits += ch
                ch = self.getc()
            self.ungetc(ch)
            if digits:
                return int(digits, 16) & 0xFF
        else:
            self.ungetc(ch)
        raise _Error('invalid control sequence (valid: \\n \\t \\" \\\\ and octal)', self.line)


@dataclass
class _Message:
    line: int  # the msgid keyword's line: where msgfmt reports duplicates
    msgstr_line: int
    first_line: int  # the entry's first line (its first comment), as polib numbers it
    obsolete: bool
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    msgstr: list[str]  # one form, or msgstr[0..n]
    comments: list[str] = field(default_factory=list)
    previous: tuple[str | None, str | None, str | None] = (None, None, None)
    strings: list[tuple[int, str]] = field(default_factory=list)  # msgstr pieces and their lines

    @property
    def fuzzy(self) -> bool:
        return any("fuzzy" in _flags(c[1:]) for c in self.comments if c.startswith(","))

    @property
    def translated(self) -> bool:
        return bool(self.msgstr and self.msgstr[0])


def _flags(text: str) -> list[str]:
    return [flag.strip() for flag in text.split(",")]


class _Parser:
    """po-gram.y by hand: the same rules, and each error where bison would report it."""

    def __init__(self, text: str) -> None:
        self.lexer = _Lexer(text)
        self._look: _Token | None = None
        self.messages: list[_Message] = []
        self.comments: list[tuple[int, str]] = []
        self.plural_counter = 0
        self.seen: dict[tuple[str | None, str], int] = {}

    @property
    def look(self) -> _Token:
        """The next token, read only when the grammar needs it, as bison does."""
        if self._look is None:
            self._look = self.lexer.next()
        return self._look

    def advance(self) -> _Token:
        token, self._look = self.look, None
        return token

    def syntax_error(self) -> _Error:
        found = self.look
        what = "end of file" if found.kind == "EOF" else _describe(found)
        return _Error(f"syntax error: unexpected {what}", found.line)

    @staticmethod
    def same_state(first: _Token, other: _Token) -> None:
        """check_obsolete: every part of an entry is obsolete (`#~`) or none is."""
        if first.obsolete != other.obsolete:
            raise _Error("inconsistent use of #~", other.line)

    def strings(self, previous: bool = False) -> list[_Token]:
        """string_list: one string or more, each checked as soon as it is read."""
        if self.look.kind != "STRING" or self.look.previous != previous:
            raise self.syntax_error()
        out = [self.advance()]
        while self.look.kind == "STRING" and self.look.previous == previous:
            out.append(self.advance())
            self.same_state(out[0], out[-1])
        return out

    def parse(self) -> list[_Message]:
        while self.look.kind != "EOF":
            kind = self.look.kind
            if kind == "COMMENT":
                token = self.advance()
                self.comments.append((token.start, token.value))
            elif kind == "domain":
                self.advance()
                if self.look.kind != "STRING" or self.look.previous:
                    raise self.syntax_error()
                name = self.advance()
                raise _Error(f"'domain {name.value}' directive is not supported", name.line)
            elif kind in ("msgid", "msgctxt"):
                self.message()
            else:
                raise self.syntax_error()
        return self.messages

    def _previous(self) -> tuple[_Token, tuple[str | None, str | None, str | None]]:
        ctxt = None
        intro = self.look
        if intro.kind == "msgctxt":
            intro = self.advance()
            ctxt_strings = self.strings(previous=True)
            if not (self.look.kind == "msgid" and self.look.previous):
                raise self.syntax_error()
            msgid_token = self.advance()
            self.same_state(intro, ctxt_strings[0])
            self.same_state(intro, msgid_token)
            ctxt = _join(ctxt_strings)
            intro = msgid_token
        else:
            self.advance()
        ids = self.strings(previous=True)
        plural = None
        if self.look.kind == "msgid_plural" and self.look.previous:
            plural_token = self.advance()
            plural_strings = self.strings(previous=True)
            self.same_state(plural_token, plural_strings[0])
            self.same_state(intro, ids[0])
            self.same_state(intro, plural_token)
            plural = _join(plural_strings)
        else:
            self.same_state(intro, ids[0])
        return intro, (ctxt, _join(ids), plural)

    def message(self) -> None:
        comments, self.comments = self.comments, []
        first_line = comments[0][0] if comments else self.look.line
        prev_token = None
        previous: tuple[str | None, str | None, str | None] = (None, None, None)
        if self.look.previous:
            prev_token, previous = self._previous()
            if self.look.kind not in ("msgid", "msgctxt") or self.look.previous:
                raise self.syntax_error()
        ctxt = None
        if self.look.kind == "msgctxt":
            ctxt_token = self.advance()
            ctxt_strings = self.strings()
            if self.look.kind != "msgid" or self.look.previous:
                raise self.syntax_error()
            intro = self.advance()
            self.same_state(ctxt_token, ctxt_strings[0])
            self.same_state(ctxt_token, intro)
            ctxt = _join(ctxt_strings)
        elif self.look.kind == "msgid" and not self.look.previous:
            intro = self.advance()
        else:
            raise self.syntax_error()
        if prev_token is not None:
            self.same_state(prev_token, intro)
        ids = self.strings()
        msgstr_token: _Token | None = None
        plural: str | None = None
        forms: list[str] = []
        pieces: list[_Token] = []
        if self.look.kind == "msgstr":
            msgstr_token = self.advance()
            if self.look.kind == "STRING" and not self.look.previous:
                pieces = self.strings()
                self.same_state(intro, ids[0])
                self.same_state(intro, msgstr_token)
                self.same_state(intro, pieces[0])
                forms = [_join(pieces)]
            elif self.look.kind == "[":
                forms, pieces = self.plural_forms(msgstr_token)
                self.same_state(intro, ids[0])
                self.same_state(intro, msgstr_token)
                raise _Error("missing 'msgid_plural' section", intro.line)
            else:
                raise self.syntax_error()
        elif self.look.kind == "msgid_plural" and not self.look.previous:
            plural_token = self.advance()
            plural_strings = self.strings()
            self.same_state(plural_token, plural_strings[0])
            self.plural_counter = 0
            plural = _join(plural_strings)
            if self.look.kind != "msgstr":
                self.same_state(intro, ids[0])
                self.same_state(intro, plural_token)
                raise _Error("missing 'msgstr[]' section", intro.line)
            msgstr_token = self.look
            forms, pieces = self.plural_forms(self.advance())
            self.same_state(intro, ids[0])
            self.same_state(intro, plural_token)
            self.same_state(intro, msgstr_token)
        else:
            self.same_state(intro, ids[0])
            raise _Error("missing 'msgstr' section", intro.line)
        key = (ctxt, _join(ids))
        if key in self.seen:
            what = 'more than one header (msgid "")' if key == (None, "") else "duplicate msgid"
            raise _Error(
                f"{what}: duplicate message definition (the first is on line {self.seen[key]})",
                intro.line,
            )
        self.seen[key] = intro.line
        message = _Message(
            intro.line,
            msgstr_token.line,
            first_line,
            intro.obsolete,
            ctxt,
            key[1],
            plural,
            forms,
            [c for _, c in comments],
            previous,
            [(p.line, p.value) for p in pieces],
        )
        self.messages.append(message)
        if key == (None, "") and not message.obsolete and _header(self.messages) is message:
            _check_charset(message)

    def plural_forms(self, first: _Token) -> tuple[list[str], list[_Token]]:
        """pluralform_list, `first` being the msgstr of the first form, already read."""
        forms: list[str] = []
        pieces: list[_Token] = []
        keyword = first
        while True:
            parts = [keyword]
            for kind in ("[", "NUMBER", "]"):
                if self.look.kind != kind:
                    raise self.syntax_error()
                parts.append(self.advance())
            strings = self.strings()
            for part in (*parts[1:], strings[0]):
                self.same_state(keyword, part)
            if int(parts[2].value) != self.plural_counter:
                raise _Error(
                    "first plural form has nonzero index"
                    if self.plural_counter == 0
                    else "plural form has wrong index",
                    keyword.line,
                )
            self.plural_counter += 1
            if forms:
                self.same_state(first, keyword)
            forms.append(_join(strings))
            pieces += strings
            if self.look.kind != "msgstr" or self.look.previous:
                return forms, pieces
            keyword = self.advance()


def _join(strings: list[_Token]) -> str:
    return "".join(s.value for s in strings)


def _describe(token: _Token) -> str:
    if token.kind == "STRING":
        return "string"
    if token.kind in ("[", "]"):
        return f"'{token.kind}'"
    if token.kind == "JUNK":
        return "character"
    if token.kind == "COMMENT":
        return "comment"
    return {"NUMBER": "number"}.get(token.kind, f"'{token.kind}'")


# --- what msgfmt --check checks after reading ---------------------------------------


def _header(messages: list[_Message]) -> _Message | None:
    for m in messages:
        if not m.obsolete and m.msgctxt is None and m.msgid == "":
            return m
    return None


def _field(header: _Message, name: str) -> str | None:
    for line in header.msgstr[0].split("\n"):
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() == name.lower():
            return value.strip()
    return None


def _check_charset(header: _Message) -> None:
    """Checked as soon as the header is read: from there on msgfmt reads in that charset.

    msgfmt takes the first "charset=" anywhere in the header (po-charset.c), up to
    white space; a charset in the Content-Type field is refused too.
    """
    text = header.msgstr[0]
    at = text.find("charset=")
    named = [re.split(r"[ \t\n]", text[at + 8 :], maxsplit=1)[0]] if at >= 0 else []
    in_field = re.search(r"charset\s*=\s*([^\s;]+)", _field(header, "Content-Type") or "")
    named += [in_field.group(1)] if in_field else []
    for charset in named:
        if charset.lower() not in _UTF8:
            line = next((n for n, s in header.strings if "charset" in s), header.msgstr_line)
            raise _Error(
                f"charset {charset or '(empty)'} is not supported: postlingo reads and writes "
                "UTF-8 (save the file as UTF-8 with charset=UTF-8)",
                line,
            )


def _check_plurals(messages: list[_Message], header: _Message | None) -> None:
    """check_plural: the header's Plural-Forms is sound and fits every translated plural entry.

    msgfmt judges nplurals and plural whenever the header has both, plural entries
    or not, and drops an untranslated header before it looks.
    """
    plural = [
        m for m in messages if m.msgid_plural is not None and not m.obsolete
        and m.translated and (not m.fuzzy or m is header)
    ]  # fmt: skip
    if header is None or not header.translated:
        if plural:
            raise _Error(
                "message catalog has plural form translations, but lacks a header entry with "
                '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;"',
                plural[0].msgstr_line,
            )
        return
    nplurals, expression = plural_forms.fields(header.msgstr[0])
    if plural and (expression is None or nplurals is None):
        lacking = '"plural=EXPRESSION"' if expression is None else '"nplurals=INTEGER"'
        raise _Error(
            f"message catalog has plural form translations, but header entry lacks a {lacking} "
            "attribute (Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;)",
            plural[0].msgstr_line,
        )
    if nplurals is None or expression is None:
        return
    try:
        expected = plural_forms.check(nplurals, expression)
    except plural_forms.PluralFormsError as exc:
        raise _Error(str(exc), header.msgstr_line) from None
    fewest = min(plural, key=lambda m: len(m.msgstr), default=None)
    most = max(plural, key=lambda m: len(m.msgstr), default=None)
    if fewest is not None and len(fewest.msgstr) < expected:
        odd = fewest
    elif most is not None and len(most.msgstr) > expected:
        odd = most
    else:
        return
    raise _Error(
        f"nplurals = {expected} in the header, but the entry on line {odd.line} "
        f"has {len(odd.msgstr)} plural forms",
        header.msgstr_line,
    )


def _check(messages: list[_Message]) -> _Message:
    header = _header(messages)
    if header is None:
        raise _Error('no header entry (msgid "" with Content-Type and Language)', None)
    _check_plurals(messages, header)
    return header


# --- polib objects -------------------------------------------------------------------


def _entry(m: _Message) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=m.msgid,
        msgctxt=m.msgctxt,
        obsolete=m.obsolete,
        linenum=m.first_line,
    )
    if m.msgid_plural is not None:
        entry.msgid_plural = m.msgid_plural
        entry.msgstr_plural = dict(enumerate(m.msgstr))
    else:
        entry.msgstr = m.msgstr[0]
    entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural = m.previous
    translator, extracted = [], []
    for comment in m.comments:
        mark, rest = comment[:1], comment[1:]
        rest = rest[1:] if rest.startswith(" ") else rest
        if mark == ".":
            extracted.append(rest)
        elif mark == ":":
            entry.occurrences += [_occurrence(ref) for ref in rest.split()]
        elif mark == ",":
            entry.flags += _flags(rest)
        else:
            translator.append(comment[1:] if comment.startswith(" ") else comment)
    entry.tcomment = "\n".join(translator)
    entry.comment = "\n".join(extracted)
    return entry


def _occurrence(ref: str) -> tuple[str, str]:
    path, colon, line = ref.rpartition(":")
    return (path, line) if colon and line.isdigit() else (ref, "")


def _metadata(msgstr: str) -> dict[str, str]:
    """Header fields as polib reads them: a line without a colon continues the last field."""
    fields: dict[str, str] = {}
    key = None
    for line in msgstr.split("\n"):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if colon:
            key = name
            fields[key] = value.strip()
        elif key is not None:
            fields[key] += "\n" + line.strip()
    return fields


def parse(text: str, path: str | Path) -> polib.POFile:
    """The catalog in `text`, or a PostlingoError at msgfmt's first fatal error."""
    try:
        messages = _Parser(text).parse()
        header = _check(messages)
    except _Error as exc:
        raise PostlingoError(f"invalid PO file: {exc.message}", path, exc.line) from None
    po = polib.POFile()
    header_comments = [c for c in header.comments if not c.startswith((".", ":", ","))]
    po.header = "\n".join(c[1:] if c.startswith(" ") else c for c in header_comments)
    po.metadata = _metadata(header.msgstr[0])
    po.metadata_is_fuzzy = [f for c in header.comments if c.startswith(",") for f in _flags(c[1:])]
    for m in messages:
        if m is not header:
            po.append(_entry(m))
    return po
