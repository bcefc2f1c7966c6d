"""SPARQL 1.1 query and update text as tokens, read the way the engine that runs it reads it.

pyoxigraph makes HTTP requests for SERVICE and LOAD by itself, so geokg must know from the text alone
whether a request holds either. Regular expressions over the text cannot know: a ``#`` or a quote
inside an IRI looks like the start of a comment or a string. This lexer follows the terminals of the
grammar (SPARQL 1.1 Query, section 19.8) and, where Oxigraph 0.5 reads text differently from the
grammar, reads it as Oxigraph does, because Oxigraph is what acts on it:

- ``\\uXXXX`` and ``\\UXXXXXXXX`` are escapes inside IRIs and strings only. The specification
  replaces them everywhere before parsing, Oxigraph does not (``SERV\\u0049CE`` is a syntax error to
  it, ``'\\u0027`` an unclosed string). An escape outside an IRI or a string is refused, and so is an
  escape anywhere whose character would end or change a token if it were replaced first (a quote, a
  backslash, an angle bracket, a line break...), so both readings give the same tokens.
- A local name keeps at most one run of dots (``ex:a.b.c`` is ``ex:a.b``, ``.``, ``c``).
- After an operand inside parentheses, ``<`` is the less-than operator for Oxigraph even when an IRI
  could start there; elsewhere it starts an IRI, and Oxigraph accepts some IRIs the grammar does not.
  Where the two readings of a ``<`` could end in different places (a ``#``, a quote or a bracket
  inside what would be the IRI) the text is refused.
- ``<<`` (RDF 1.2 triple terms) and unknown words are refused.

Text the lexer cannot read in one way is refused with its line and column, never skipped. The lexer
is one loop over the text with no recursion, linear in its length. Keywords are matched without
regard to ASCII case; ``a`` is lower case only.
"""

import re

from geokg.loaders.errors import StoreError

# Frames: what an open bracket holds. A group holds patterns or quads; a data block holds VALUES rows;
# parentheses hold an expression, a list (collection or path), a VALUES row or a VALUES variable list.
GROUP, DATA, BNODE, EXPR, LIST, ROW, VARLIST = "{", "DATA", "[", "EXPR", "LIST", "ROW", "VARLIST"
PARENS = frozenset((EXPR, LIST, ROW, VARLIST))
_CLOSER = {GROUP: "}", DATA: "}", BNODE: "]", EXPR: ")", LIST: ")", ROW: ")", VARLIST: ")"}

KEYWORDS = frozenset("""
    ABS ADD ADJUST ALL AS ASC ASK AVG BASE BIND BNODE BOUND BY CEIL CLEAR COALESCE CONCAT CONSTRUCT
    CONTAINS COPY COUNT CREATE DATA DATATYPE DAY DEFAULT DELETE DESC DESCRIBE DISTINCT DROP ENCODE_FOR_URI
    EXISTS FALSE FILTER FLOOR FROM GRAPH GROUP GROUP_CONCAT HASLANG HASLANGDIR HAVING HOURS IF IN INSERT
    INTO IRI ISBLANK ISIRI ISLITERAL ISNUMERIC ISTRIPLE ISURI LANG LANGDIR LANGMATCHES LATERAL LCASE LIMIT
    LOAD MAX MD5 MIN MINUS MINUTES MONTH MOVE NAMED NOT NOW OBJECT OFFSET OPTIONAL ORDER PREDICATE PREFIX
    RAND REDUCED REGEX REPLACE ROUND SAMETERM SAMPLE SECONDS SELECT SEPARATOR SERVICE SHA1 SHA256 SHA384
    SHA512 SILENT STR STRAFTER STRBEFORE STRDT STRENDS STRLANG STRLANGDIR STRLEN STRSTARTS STRUUID SUBJECT
    SUBSTR SUM TIMEZONE TO TRIPLE TRUE TZ UCASE UNDEF UNION URI USING UUID VALUES VERSION WHERE WITH YEAR
""".split())

NUMBERS = frozenset(("INTEGER", "DECIMAL", "DOUBLE", "INTEGER_POSITIVE", "DECIMAL_POSITIVE", "DOUBLE_POSITIVE",
                     "INTEGER_NEGATIVE", "DECIMAL_NEGATIVE", "DOUBLE_NEGATIVE"))
STRINGS = frozenset(("STRING_LITERAL1", "STRING_LITERAL2", "STRING_LITERAL_LONG1", "STRING_LITERAL_LONG2"))
PNAMES = frozenset(("PNAME_NS", "PNAME_LN"))
VARS = frozenset(("VAR1", "VAR2"))
# Tokens after which an expression may go on with an operator.
OPERAND_KINDS = NUMBERS | STRINGS | PNAMES | VARS | {"IRIREF", "BLANK_NODE_LABEL", "LANGTAG", "NIL", "ANON"}
OPERAND_CLOSERS = frozenset((")", "]", "}", "TRUE", "FALSE"))

# Oxigraph's PN_CHARS_BASE stops at U+FFFD: it has no characters beyond the Basic Multilingual Plane.
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR_UCHAR = r"\\[tbnrf\"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")
_PNAME = re.compile(
    f"(?:[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?)?:"
    # Oxigraph's PN_LOCAL: one run of dots at most, where the grammar allows any number.
    f"(?P<local>(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*(?:\\.+(?:[{_CHARS}:]|{_PLX})+)?)?")
_NAME_START = re.compile(f"[{_BASE}]")
_PREFIX_RUN = re.compile(f"[{_BASE}][{_CHARS}]*(?:\\.+[{_CHARS}]+)*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_VAR = re.compile(f"[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*")
_BLANK = re.compile(f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?")
_LANGTAG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?")
_NUMBER = re.compile(r"[+-]?(?:(?P<d>(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+)|(?P<f>[0-9]*\.[0-9]+)|[0-9]+)")
_STRINGS = (
    ("STRING_LITERAL_LONG1", re.compile(f"'''(?:(?:''|')?(?:[^'\\\\]|{_ECHAR_UCHAR}))*'''")),
    ("STRING_LITERAL_LONG2", re.compile(f'"""(?:(?:""|")?(?:[^"\\\\]|{_ECHAR_UCHAR}))*"""')),
    ("STRING_LITERAL1", re.compile(f"'(?:[^'\\\\\\n\\r]|{_ECHAR_UCHAR})*'")),
    ("STRING_LITERAL2", re.compile(f'"(?:[^"\\\\\\n\\r]|{_ECHAR_UCHAR})*"')),
)
_IRIREF = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_NIL = re.compile(r"\([ \t\r\n]*\)")
_ANON = re.compile(r"\[[ \t\r\n]*\]")
_PUNCT = re.compile(r"\^\^|\|\||&&|!=|>=|[=,;.*/|^!>?+-]")
# Characters the IRI parser behind Oxigraph rejects wherever they stand in an IRI.
_NEVER_IN_IRI = re.compile(r'[<"{}|^`\x00-\x20]')
_AMBIGUOUS_IN_IRI = re.compile(r"[#'()\[\]]")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# An escape for one of these would change where a token ends if it were replaced before lexing.
_STRUCTURAL = frozenset("'\"\\<>{}|^`\n\r")


class LexError(StoreError):
    """Text the lexer cannot read as SPARQL tokens, located by line and column (both from 1)."""

    def __init__(self, text: str, offset: int, reason: str):
        self.offset = offset
        self.line = text.count("\n", 0, offset) + 1
        self.column = offset - text.rfind("\n", 0, offset)
        super().__init__(f"line {self.line}, column {self.column}: {reason}", status=400, title="Bad query")


class Token:
    """One token: its kind (a grammar terminal name, KEYWORD or PUNCT), its text as written, where it
    starts, how many brackets enclose it, and its value: keywords upper case (``a`` as is), others as written."""

    __slots__ = ("kind", "text", "offset", "depth", "value")

    def __init__(self, kind: str, text: str, offset: int, depth: int, value: str | None = None):
        self.kind, self.text, self.offset, self.depth = kind, text, offset, depth
        self.value = text if value is None else value

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.offset})"

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


def iri_value(iriref: str) -> str:
    """An IRIREF token's IRI, its \\u escapes decoded as the engine decodes them."""
    inner = iriref[1:-1]
    if "\\" not in inner:
        return inner
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), inner)


def check_codepoint_escapes(text: str) -> None:
    """Refuse escapes that the two readings of ``\\u`` (replaced everywhere first, or only inside IRIs
    and strings) would split into different tokens."""
    for match in _CODEPOINT.finditer(text):
        code = int(match.group(1) or match.group(2), 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise LexError(text, match.start(), f"{match.group(0)} is not a character")
        if chr(code) in _STRUCTURAL:
            raise LexError(text, match.start(), f"{match.group(0)} stands for {chr(code)!r}, which would end or "
                                                "change a token; write the character in its own form")


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (comments and white space dropped); LexError on anything else."""
    if "\\" in text:
        check_codepoint_escapes(text)
    tokens: list[Token] = []
    frames: list[str] = []
    opened_at: list[int] = []
    mode = "pattern"  # or "projection" (SELECT ... WHERE) or "modifier" (GROUP BY, HAVING, ORDER BY)
    prev = prev2 = None
    last_closed = None
    no_pname_before = -1  # a run of name characters known to hold no prefixed name ends here
    next_gt = next_bad = -1  # searches kept between '<'s, so that many of them cost linear time
    pos, n = 0, len(text)
    while True:
        pos = _SPACE.match(text, pos).end()
        if pos >= n:
            break
        c = text[pos]
        depth = len(frames)
        value = None
        end = pos + 1
        if c == "{" or c == "[" or c == "(":
            empty = _NIL.match(text, pos) if c == "(" else _ANON.match(text, pos) if c == "[" else None
            if empty:
                kind, end = ("NIL" if c == "(" else "ANON"), empty.end()
            else:
                kind = "PUNCT"
                if c == "{":
                    frames.append(DATA if _opens_data_block(prev, prev2, last_closed) else GROUP)
                    mode = "pattern"
                else:
                    frames.append(BNODE if c == "[" else _paren_kind(frames, prev, prev2, mode))
                opened_at.append(pos)
        elif c == "}" or c == ")" or c == "]":
            if not frames:
                raise LexError(text, pos, f"{c!r} closes nothing")
            if _CLOSER[frames[-1]] != c:
                raise LexError(text, pos, f"{c!r} does not close the {_CLOSER[frames[-1]]!r} bracket "
                                          f"opened at offset {opened_at[-1]}")
            last_closed = frames.pop()
            opened_at.pop()
            depth -= 1
            kind = "PUNCT"
            if c == "}":
                mode = "pattern"
        elif c == "<":
            frame = frames[-1] if frames else None
            operand = prev is not None and (prev.kind in OPERAND_KINDS or prev.value in OPERAND_CLOSERS)
            iri = _IRIREF.match(text, pos)
            if operand and frame in PARENS:
                # Oxigraph reads an operator here inside an expression, an IRI inside a list.
                if iri:
                    if frame != ROW and _AMBIGUOUS_IN_IRI.search(text, pos + 1, iri.end() - 1):
                        raise LexError(text, pos, "'<' could start an IRI or mean 'less than' here, and the two "
                                                  "readings part at the #, quote or bracket in it; put a space "
                                                  "after '<' for 'less than', or write the IRI as a prefixed name")
                    kind = "PUNCT" if frame == EXPR else "IRIREF"
                else:
                    # Oxigraph takes any text up to '>' for an IRI and checks it afterwards: 'less than'
                    # is sure only when that text holds a character no IRI can.
                    if next_gt <= pos:
                        found = text.find(">", pos)
                        next_gt = n if found < 0 else found
                    if next_bad <= pos:
                        bad = _NEVER_IN_IRI.search(text, pos + 1)
                        next_bad = n if bad is None else bad.start()
                    if next_gt < next_bad:
                        raise LexError(text, pos, "'<' here could start an IRI for the engine; put a space "
                                                  "after '<' for 'less than'")
                    kind = "PUNCT"
                if kind == "IRIREF":
                    end = iri.end()
                elif text.startswith("<=", pos):
                    end = pos + 2
            elif text.startswith("<<", pos):
                raise LexError(text, pos, "'<<' (RDF 1.2 triple terms) is not accepted")
            elif iri:
                kind, end = "IRIREF", iri.end()
            else:
                raise LexError(text, pos, "'<' here must start an IRI, and no '>' ends one before a "
                                          "character IRIs cannot hold")
        elif c == '"' or c == "'":
            for kind, pattern in _STRINGS:
                match = pattern.match(text, pos)
                if match:
                    end = match.end()
                    break
            else:
                raise LexError(text, pos, "this string does not end on its line, or holds a bad escape")
        elif c == "?" or c == "$":
            match = _VAR.match(text, pos)
            if match:
                kind, end = ("VAR1" if c == "?" else "VAR2"), match.end()
            elif c == "?":
                kind = "PUNCT"
            else:
                raise LexError(text, pos, "'$' must start a variable name")
        elif c == "_":
            match = _BLANK.match(text, pos)
            if not match:
                raise LexError(text, pos, "'_' must start a blank node label (_:name)")
            kind, end = "BLANK_NODE_LABEL", match.end()
        elif c == "@":
            match = _LANGTAG.match(text, pos)
            if not match:
                raise LexError(text, pos, "'@' must start a language tag")
            kind, end = "LANGTAG", match.end()
        elif "0" <= c <= "9" or c == "." or c == "+" or c == "-":
            match = _NUMBER.match(text, pos)
            if match:
                kind, end = _number_kind(match, c), match.end()
            else:
                kind, end = "PUNCT", _PUNCT.match(text, pos).end()
        elif c == ":" or _NAME_START.match(c):
            match = _PNAME.match(text, pos) if pos >= no_pname_before else None
            if match:
                kind, end = ("PNAME_LN" if match.group("local") else "PNAME_NS"), match.end()
            else:
                if c != ":" and pos >= no_pname_before:
                    no_pname_before = _PREFIX_RUN.match(text, pos).end()
                word = _WORD.match(text, pos)
                if not word:
                    raise LexError(text, pos, "this name is neither a keyword nor a prefixed name (prefix:local)")
                end = word.end()
                value = word.group(0) if word.group(0) == "a" else word.group(0).upper()
                if value != "a" and value not in KEYWORDS:
                    raise LexError(text, pos, f"{word.group(0)!r} is not a SPARQL keyword, and a prefixed "
                                              "name needs ':'")
                kind = "KEYWORD"
                mode = _mode_after(value, mode)
        else:
            match = _PUNCT.match(text, pos)
            if not match:
                if c == "\\":
                    raise LexError(text, pos, "a backslash outside IRIs, strings and local names: \\u escapes are "
                                              "only read inside IRIs and strings")
                raise LexError(text, pos, f"unexpected character {c!r}")
            kind, end = "PUNCT", match.end()
        token = Token(kind, text[pos:end], pos, depth, value)
        tokens.append(token)
        prev2, prev = prev, token
        pos = end
    if frames:
        raise LexError(text, opened_at[-1], f"this {_CLOSER[frames[-1]]!r}-less bracket is never closed")
    return tokens


def _number_kind(match, first: str) -> str:
    base = "DOUBLE" if match.group("d") else "DECIMAL" if match.group("f") else "INTEGER"
    return base + ("_POSITIVE" if first == "+" else "_NEGATIVE" if first == "-" else "")


def _opens_data_block(prev, prev2, last_closed) -> bool:
    """A '{' right after VALUES ?x, VALUES () or VALUES (?x ...) holds data rows."""
    if prev is None:
        return False
    if prev.text == ")" and prev.kind == "PUNCT":
        return last_closed == VARLIST
    return (prev.kind in VARS or prev.kind == "NIL") and _is_keyword(prev2, "VALUES")


def _paren_kind(frames: list[str], prev, prev2, mode: str) -> str:
    """What a '(' holds. Only a VALUES row is trusted to hold terms where an operand may be followed by
    '<'; for the rest, the choice between expression and list only decides how an unambiguous '<' reads."""
    frame = frames[-1] if frames else None
    if frame == EXPR:
        return EXPR
    if frame == DATA:
        return ROW
    if prev is not None and prev.kind == "KEYWORD":
        return VARLIST if prev.value == "VALUES" else LIST if prev.value == "a" else EXPR
    if mode != "pattern":
        return EXPR
    if prev is not None and prev.kind in PNAMES | {"IRIREF"} and _is_keyword(prev2, "FILTER"):
        return EXPR
    return LIST


def _is_keyword(token, word: str) -> bool:
    return token is not None and token.kind == "KEYWORD" and token.value == word


def _mode_after(keyword: str, mode: str) -> str:
    if keyword == "SELECT":
        return "projection"
    if keyword in ("GROUP", "ORDER", "HAVING"):
        return "modifier"
    if keyword in ("WHERE", "FROM", "VALUES", "LIMIT", "OFFSET", "CONSTRUCT", "ASK", "DESCRIBE"):
        return "pattern"
    return mode
