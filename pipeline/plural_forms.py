"""A PO header's nplurals and plural expression, judged as GNU msgfmt --check judges them.

Following gettext 0.21 (msgl-check.c's check_plural, plural.y, eval-plural.h):
msgfmt takes what follows the first "nplurals=" and the first "plural=" anywhere
in the header. The number must begin with a digit after optional white space.
The expression must parse by plural.y's grammar up to a ";", a newline or the end:
`n`, unsigned numbers, parentheses, `!` and C's binary `* / % + - < > <= >= == != && ||`
and `?:` with C's precedence (no unary minus, no other names). msgfmt then
evaluates it for n = 0..1000 in unsigned 64-bit arithmetic, and refuses a
division by zero, a value that would be negative as a signed long, and a value
not below nplurals, at the first n that gives one.

The expression is compiled, as it is parsed, into a flat list of stack operations
with jumps, so that `n != 0 && 10 / n` divides only where C would, and run in a
loop: no eval(), and no recursion for a long chain or deep nesting to exhaust.
Past some 10,000 levels of nesting bison's stack is full and msgfmt calls the
expression invalid; so does this parser, at the same point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

__all__ = ["PluralFormsError", "check", "fields"]

_MASK = (1 << 64) - 1  # unsigned long
_SIGN = 1 << 63  # a value this large is negative as a long
_LAST_N = 1000  # msgfmt evaluates n = 0..1000
_C_SPACE = " \t\n\v\f\r"
_TWO_CHARS = ("==", "!=", "<=", ">=", "&&", "||")
_ONE_CHAR = set("<>!+-*/%n?:()")
# Binary operators and `?:`, by plural.y's precedence (higher binds tighter).
_PRECEDENCE = {
    "?": 1, ":": 1, "||": 2, "&&": 3, "==": 4, "!=": 4, "<": 5, ">": 5, "<=": 5, ">=": 5,
    "+": 6, "-": 6, "*": 7, "/": 7, "%": 7, "!": 8,
}  # fmt: skip
_ARITHMETIC = {
    "+": lambda a, b: (a + b) & _MASK,
    "-": lambda a, b: (a - b) & _MASK,
    "*": lambda a, b: (a * b) & _MASK,
    "<": lambda a, b: int(a < b),
    ">": lambda a, b: int(a > b),
    "<=": lambda a, b: int(a <= b),
    ">=": lambda a, b: int(a >= b),
    "==": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
}

_SYMBOLS = {"(": 1, "!": 1, ":": 4}  # on bison's stack for a pending one; the others: 2
_BISON_STATES = 10000  # YYMAXDEPTH
_Op = tuple[str, int]  # (operation, its number or jump target)


class PluralFormsError(ValueError):
    """msgfmt's words for what is wrong with nplurals or plural."""


class _Invalid(Exception):
    """The expression does not parse."""


class _DivisionByZero(Exception):
    pass


def fields(header: str) -> tuple[str | None, str | None]:
    """The text after the first "nplurals=" and after the first "plural=", as msgfmt finds them."""
    at_nplurals, at_plural = header.find("nplurals="), header.find("plural=")
    return (
        header[at_nplurals + 9 :] if at_nplurals >= 0 else None,
        header[at_plural + 7 :] if at_plural >= 0 else None,
    )


def check(nplurals: str, plural: str) -> int:
    """nplurals' value, once it and the expression pass msgfmt's checks; else PluralFormsError.

    `nplurals` and `plural` are what `fields` found after "nplurals=" and "plural=".
    """
    digits = nplurals.lstrip(_C_SPACE)
    count = len(digits) - len(digits.lstrip("0123456789"))
    if count == 0:
        raise PluralFormsError(f"invalid nplurals value: {_shown('nplurals=' + nplurals)}")
    significant = digits[:count].lstrip("0")
    value = _MASK if len(significant) > 20 else min(int(significant or "0"), _MASK)  # as strtoul
    expression = re.split("[;\n]", plural, maxsplit=1)[0]  # where plural.y's lexer ends
    problem = _judge(value, expression)
    if problem is not None:
        raise PluralFormsError(problem)
    return value


def _shown(text: str) -> str:
    """The field as it stands on its header line, quoted, and cut if very long."""
    text = text.split("\n", 1)[0].strip()
    return f'"{text}"' if len(text) <= 80 else f'"{text[:80]}..."'


@lru_cache(maxsize=256)
def _judge(nplurals: int, expression: str) -> str | None:
    """msgfmt's complaint about `plural=<expression>` with this nplurals, or None.

    Cached: every catalog of a language carries the same pair, and 1,001
    evaluations are worth doing once.
    """
    try:
        code = _compile(expression)
    except _Invalid:
        return f"invalid plural expression: {_shown('plural=' + expression)}"
    for n in range(_LAST_N + 1):
        try:
            value = _run(code, n)
        except _DivisionByZero:
            return f"plural expression can produce division by zero (for n = {n})"
        if value >= _SIGN:
            return f"plural expression can produce negative values (for n = {n})"
        if value >= nplurals:
            return (
                f"nplurals = {nplurals} but plural expression can produce values as large "
                f"as {value} (for n = {n})"
            )
    return None


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """plural.y's yylex: ("num", value), an operator, "n", "(" or ")"."""
    i, size = 0, len(text)
    while True:
        while i < size and text[i] in " \t":
            i += 1
        if i == size:
            return
        two = text[i : i + 2]
        if two in _TWO_CHARS:
            yield two, 0
            i += 2
        elif "0" <= text[i] <= "9":
            start = i
            while i < size and "0" <= text[i] <= "9":
                i += 1
            yield "num", _number(text[start:i])
        elif text[i] in _ONE_CHAR:
            yield text[i], 0
            i += 1
        else:
            raise _Invalid  # a single = & or |, a letter other than n, any other character


def _number(digits: str) -> int:
    """The digits modulo 2**64, as C's unsigned long wraps; in chunks, for a very long number."""
    value = 0
    for at in range(0, len(digits), 18):
        chunk = digits[at : at + 18]
        value = (value * 10 ** len(chunk) + int(chunk)) & _MASK
    return value


def _compile(text: str) -> list[_Op]:
    """The expression as stack code, or _Invalid where plural.y's parser fails."""
    return _Parser().parse(text)


class _Parser:
    """Operator precedence parsing (the shunting-yard), emitting stack code as it reduces.

    It also counts what bison's stack would hold, for bison gives up when its
    10,000 states are full: a part on the stack of each pending operator (`(` and
    `!` their token; a binary operator or `?` also its left side; `:` the whole
    `exp ? exp :`), one state before them and the symbol being shifted.
    """

    def __init__(self) -> None:
        self.code: list[_Op] = []
        self.pending: list[_Op] = []  # operators and "(" waiting for their right side
        self.symbols = 0  # what bison's stack holds for `pending`

    def parse(self, text: str) -> list[_Op]:
        code = self.code
        operand = True  # whether an operand is expected next
        for kind, value in _tokens(text):
            if kind in ("num", "n", "!", "("):
                if not operand:
                    raise _Invalid
                self.shift(1)
                if kind in ("num", "n"):
                    code.append(("push" if kind == "num" else "n", value))
                    operand = False
                else:
                    self.push(kind, 0)
            elif operand:
                raise _Invalid  # a binary operator, ")" or ":" where an operand belongs
            elif kind == ")":
                self.reduce(0)
                self.shift(2)  # on its operand
                if not self.pending or self.pop()[0] != "(":
                    raise _Invalid
            elif kind == ":":
                self.reduce(0)
                if not self.pending or self.pending[-1][0] != "?":
                    raise _Invalid
                condition = self.pop()[1]
                self.push(":", len(code))
                self.shift(0)
                code.append(("jump", 0))
                code[condition] = ("jump if 0", len(code))
                operand = True
            else:  # a binary operator or "?": `?:` groups to the right, the others to the left
                precedence = _PRECEDENCE[kind]
                self.reduce(precedence if kind == "?" else precedence - 1)
                if kind in ("?", "||", "&&"):  # a jump, its target set when the side ends
                    self.push(kind, len(code))
                    code.append(("jump if 0" if kind == "?" else kind, 0))
                else:
                    self.push(kind, 0)
                self.shift(0)
                operand = True
        if operand:
            raise _Invalid  # empty, or ending with an operator
        self.reduce(0)
        if self.pending:
            raise _Invalid  # an unclosed "(" or a "?" without ":"
        return code

    def shift(self, more: int) -> None:
        """A token joins bison's stack on top of the pending ones and `more` - 1 others."""
        if 1 + self.symbols + more >= _BISON_STATES:
            raise _Invalid  # bison: memory exhausted

    def push(self, kind: str, at: int) -> None:
        self.pending.append((kind, at))
        self.symbols += _SYMBOLS.get(kind, 2)

    def pop(self) -> _Op:
        kind, at = self.pending.pop()
        self.symbols -= _SYMBOLS.get(kind, 2)
        return kind, at

    def reduce(self, above: int) -> None:
        """Complete the pending operators binding tighter than `above`, up to a "(" or a "?"."""
        pending, code = self.pending, self.code
        while pending and pending[-1][0] not in ("(", "?") and _PRECEDENCE[pending[-1][0]] > above:
            kind, at = self.pop()
            if kind in ("||", "&&"):
                code.append(("bool", 0))
                code[at] = (kind, len(code))
            elif kind == ":":
                code[at] = ("jump", len(code))
            else:
                code.append((kind, 0))


def _run(code: list[_Op], n: int) -> int:
    """eval-plural.h's plural_eval: `||`, `&&` and `?:` evaluate only the side C would."""
    stack: list[int] = []
    pc = 0
    while pc < len(code):
        kind, arg = code[pc]
        pc += 1
        if kind == "push":
            stack.append(arg)
        elif kind == "n":
            stack.append(n)
        elif kind in _ARITHMETIC:
            right = stack.pop()
            stack.append(_ARITHMETIC[kind](stack.pop(), right))
        elif kind in ("/", "%"):
            right = stack.pop()
            if right == 0:
                raise _DivisionByZero
            left = stack.pop()
            stack.append(left // right if kind == "/" else left % right)
        elif kind == "!":
            stack.append(int(not stack.pop()))
        elif kind == "bool":
            stack.append(int(stack.pop() != 0))
        elif kind == "||":  # a true left side is the answer: 1
            if stack[-1]:
                stack[-1] = 1
                pc = arg
            else:
                stack.pop()
        elif kind == "&&":  # a false left side is the answer: 0
            if not stack[-1]:
                pc = arg
            else:
                stack.pop()
        elif kind == "jump if 0":
            if not stack.pop():
                pc = arg
        else:  # "jump"
            pc = arg
    return stack[0]
