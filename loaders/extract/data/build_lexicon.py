"""Build cameo_verbs.tsv from the CAMEO verb pattern dictionary (PETRARCH2 / Phoenix format).

Run from the project root when the dictionary changes:
    python loaders/extract/data/build_lexicon.py ../shared/anchors-data
(the argument is the folder holding CAMEO.2.0.txt, or the file itself). It is not run at install or
run time; its output is committed (MIT licence, see NOTICE.md).

The dictionary (see PETRreader.read_verb_dictionary in openeventdata/petrarch2) is a list of
synonym sets (`&LABEL` then `+WORD` lines), then verb blocks:

    ---  NAME   [code]  ---            block header; code is the block's default ('---': no event)
    VERB {IRREGULAR FORMS} [code]      a verb of the block, with its own code if it has one
    +ASK_FOR {+ASKED_FOR ...}          multi-word verb: '+' marks the word the parser sees as the verb
    - BEFORE * AFTER  [code]  # VERB   a pattern for every verb of the block; '*' stands for the verb
    ######## TRANSFORMATIONS           then '~' transformation rules (not verb triggers: skipped)

Codes may be paired, `[042:043]`: the first code holds from the subject to the object, the second in
the reverse direction (`[:173]`: only the reverse one). Comments start with '#' (or ';' in old lines).

Each row of the output is one (verb lemma, pattern, CAMEO code). The lemma is the base form (what
spaCy's lemmatizer gives): the irregular forms in {...} are dropped, and the few entries written in
an inflected form (`+KILLED_AND {}`, `+IS_DETERMINED`) are brought back to their base form.
Pattern words are kept as the dictionary writes them (`&TREATY` is a synonym set, `{PEACE DEAL}` a
phrase, `(WITH ^)` a prepositional phrase, `$`/`+`/`^`/`%` the source, target or actors).
Malformed lines are reported on stderr with their line number and skipped.
"""

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "cameo_verbs.tsv"
SYNSETS_OUT = HERE / "cameo_synsets.tsv"
COLUMNS = ("lemma", "phrase", "before", "after", "code", "reverse", "written_for", "block")
CODE = re.compile(r"^(?:---|\d{2,4})$")
VERB_TEXT = re.compile(r"^[A-Z][A-Z'_+\-]*$|^\+[A-Z][A-Z'_+\-]*$")
# Inflected auxiliaries: not derivable from the dictionary's own {...} forms.
AUX = {"IS": "BE", "ARE": "BE", "AM": "BE", "WAS": "BE", "WERE": "BE", "BEEN": "BE", "BEING": "BE",
       "HAS": "HAVE", "HAD": "HAVE", "HAVING": "HAVE"}


def strip_comment(text: str) -> str:
    """Drop a '#' or ';' comment (neither character occurs inside a pattern)."""
    for mark in ("#", ";"):
        cut = text.find(mark)
        if cut >= 0:
            text = text[:cut]
    return text.replace("\t", " ").strip()


def split_code(text: str):
    """'- * DEAL  [031]' -> ('- * DEAL', '031'); no bracket -> (text, None); bad bracket -> ValueError."""
    if "[" not in text:
        if "]" in text:
            raise ValueError("']' without '['")
        return text, None
    head, _, rest = text.partition("[")
    if "]" not in rest:
        raise ValueError("'[' without ']'")
    code, _, tail = rest.partition("]")
    if tail.strip():
        raise ValueError(f"text after the code: {tail.strip()!r}")
    return head.strip(), code.strip()


def parse_code(code: str):
    """'042:043' -> [('042', 0), ('043', 1)]; '---' -> [('---', 0)]; ':173' -> [('173', 1)]."""
    if ":" in code:
        forward, _, backward = code.partition(":")
        parts = [(forward.strip(), 0), (backward.strip(), 1)]
        parts = [(c, r) for c, r in parts if c]
        if not parts:
            raise ValueError(f"empty paired code [{code}]")
    else:
        parts = [(code, 0)]
    for c, _ in parts:
        if not CODE.match(c):
            raise ValueError(f"not a CAMEO code: [{code}]")
    return parts


def balanced(text: str) -> bool:
    depth = {"(": 0, "{": 0}
    pairs = {")": "(", "}": "{"}
    for ch in text:
        if ch in depth:
            depth[ch] += 1
        elif ch in pairs:
            depth[pairs[ch]] -= 1
            if depth[pairs[ch]] < 0:
                return False
    return all(v == 0 for v in depth.values())


def verb_words(verb: str):
    """'+ASK_FOR' -> (['ASK', 'FOR'], 0); 'WIRE_+TAP' -> (['WIRE', 'TAP'], 1): words and the verb's index."""
    words = verb.split("_")
    head = next((i for i, w in enumerate(words) if w.startswith("+")), 0)
    return [w.lstrip("+") for w in words], head


class Parser:
    def __init__(self):
        self.rows = set()
        self.problems = []          # (line number, reason, text)
        self.patterns = 0
        self.skipped_transformations = 0
        self.deinflected = []       # (line number, form as written, base form)
        self.synsets = set()        # (label as written in patterns, member phrase in lower case)

    def problem(self, number, reason, text):
        self.problems.append((number, reason, text))

    def parse(self, lines):
        """lines: the dictionary's lines (str). Two passes: irregular forms first, then the rows."""
        entries = list(self._entries(lines))
        base_of = {}                 # inflected word -> base word, from every {...} list
        lemmas = set()
        for kind, number, data in entries:
            if kind == "verb":
                words, head = verb_words(data["verb"])
                lemmas.add(words[head])
                for form in data["forms"]:
                    fwords, fhead = verb_words(form)
                    if fhead < len(fwords) and fwords[fhead] != words[head]:
                        base_of.setdefault(fwords[fhead], words[head])
        block, block_code, verbs = None, "---", []
        for kind, number, data in entries:
            if kind == "block":
                block, block_code, verbs = data["name"], data["code"] or "---", []
            elif kind == "verb":
                words, head = verb_words(data["verb"])
                word = written = words[head]
                if data["inflected"] or word in AUX or word.endswith(("ING", "ED")):
                    base = AUX.get(word) or base_of.get(word) or self._deinflect(word, lemmas, data["inflected"])
                    if base != word:
                        self.deinflected.append((number, word, base))
                        word = base
                words[head] = word
                lemma = word.lower()
                phrase = "_".join(words).lower() if len(words) > 1 else ""
                verbs.append((lemma, phrase, {written, words[head], phrase.upper()}))
                for code, reverse in parse_code(data["code"] or block_code):
                    self.rows.add((lemma, phrase, "", "", code, str(reverse), "1", block))
            elif kind == "pattern":
                if not verbs:
                    self.problem(number, "pattern before any verb of its block", data["text"])
                    continue
                self.patterns += 1
                for lemma, phrase, names in verbs:
                    written_for = "1" if names & data["named"] else "0"
                    for code, reverse in data["codes"]:
                        self.rows.add((lemma, phrase, data["before"], data["after"], code, str(reverse),
                                       written_for, block))
        return sorted(self.rows)

    @staticmethod
    def _deinflect(word, lemmas, certain=False):
        """KILLED -> KILL, KIDNAPPED -> KIDNAP, ANGERED -> ANGER: to a lemma the dictionary has or, when the
        entry is certainly inflected (written with an empty {}), by the regular English spelling rules."""
        for suffix in ("ING", "ED"):
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                stem = word[: -len(suffix)]
                doubled = len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "LSFZ"
                cands = (stem[:-1] if doubled else None, stem[:-1] + "Y" if stem.endswith("I") else None,
                         stem, stem + "E")
                for cand in cands:
                    if cand and cand in lemmas:
                        return cand
                if certain:
                    return next(c for c in cands if c)
        return word

    def _entries(self, lines):
        """Yield ('block'|'verb'|'pattern', line number, data), reporting malformed lines."""
        section = "head"
        in_block = in_synset = False
        for number, raw in enumerate(lines, 1):
            raw = raw.rstrip("\r\n")
            stripped = raw.strip()
            if stripped.startswith("#"):
                upper = stripped.upper()
                if "VERB PATTERNS" in upper:
                    section = "verbs"
                elif "SYNONYM SETS" in upper:
                    section = "synsets"
                elif "TRANSFORMATIONS" in upper:
                    section = "transformations"
                continue
            text = strip_comment(raw)
            if not text:
                in_synset = False
                continue
            if section == "transformations":
                self.skipped_transformations += 1
                continue
            if text.startswith("&"):
                in_synset = text.split()[0].rstrip("_")    # a synonym set: its '+' members follow
                continue
            if in_synset and text.startswith("+"):
                member = " ".join(text[1:].replace("_", " ").split()).lower()
                if member:
                    self.synsets.add((in_synset, member))
                continue
            in_synset = False
            if section != "verbs":
                if section == "head":
                    self.problem(number, "text before the first section", raw)
                continue
            try:
                if text.startswith("---"):
                    body = text.strip("- ")
                    name, code = split_code(body)
                    if not name:
                        raise ValueError("block header without a name")
                    if code:
                        parse_code(code)
                    in_block = True
                    yield "block", number, {"name": name.strip(), "code": code}
                elif text.startswith("-"):
                    if not in_block:
                        raise ValueError("pattern outside a verb block")
                    body, code = split_code(text[1:])
                    if code is None:
                        raise ValueError("pattern without a [code]")
                    if body.count("*") != 1:
                        raise ValueError("pattern without exactly one '*'")
                    if not balanced(body):
                        raise ValueError("unbalanced brackets in pattern")
                    before, _, after = body.partition("*")
                    before = " ".join(before.split())
                    after = " ".join(after.split())
                    # the comment names the verb(s) the pattern was written for: '# REESTABLISH , RESTORE'
                    named = set(re.findall(r"[A-Z][A-Z_\-]+", raw.partition("#")[2]))
                    yield "pattern", number, {"text": raw, "before": before, "after": after,
                                              "codes": parse_code(code), "named": named}
                elif text.startswith("~"):
                    self.skipped_transformations += 1
                else:
                    if not in_block:
                        raise ValueError("verb outside a verb block")
                    body, code = split_code(text)
                    if code:
                        parse_code(code)
                    forms, inflected = [], False
                    if "{" in body or "}" in body:
                        if body.count("{") != 1 or body.count("}") != 1 or body.index("{") > body.index("}"):
                            raise ValueError("unbalanced {forms}")
                        verb, _, rest = body.partition("{")
                        inside, _, tail = rest.partition("}")
                        if tail.strip():
                            raise ValueError(f"text after the forms: {tail.strip()!r}")
                        forms = [f for f in inside.replace(",", " ").split()]
                        inflected = not forms        # '{}': the entry is itself the only form
                        verb = verb.strip()
                    else:
                        verb = body.strip()
                    if not VERB_TEXT.match(verb) or verb.count("+") > 1:
                        raise ValueError(f"not a verb entry: {verb!r}")
                    yield "verb", number, {"verb": verb, "forms": forms, "code": code, "inflected": inflected}
            except ValueError as err:
                self.problem(number, str(err), raw)


def build(source: Path):
    parser = Parser()
    text = source.read_text(encoding="utf-8", errors="replace")
    rows = parser.parse(text.splitlines())
    return rows, parser


def write(rows, out: Path = OUT):
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")


def write_synsets(synsets, out: Path = SYNSETS_OUT):
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("label\tmember\n")
        for label, member in sorted(synsets):
            fh.write(f"{label}\t{member}\n")


def summary(rows, parser) -> str:
    lemmas = {r[0] for r in rows}
    codes = {r[4] for r in rows if r[4] != "---"}
    patterns = {(r[3], r[4]) for r in rows if r[2] or r[3]}
    return (f"{len(lemmas)} verb lemmas, {parser.patterns} pattern lines ({len(patterns)} distinct "
            f"pattern/code pairs), {len(codes)} CAMEO codes, {len(rows)} rows; "
            f"{len(parser.problems)} malformed lines skipped, "
            f"{parser.skipped_transformations} transformation lines skipped; "
            f"{len({s[0] for s in parser.synsets})} synonym sets")


def main(argv):
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    source = Path(argv[1])
    if source.is_dir():
        source = source / "CAMEO.2.0.txt"
    rows, parser = build(source)
    for number, reason, text in parser.problems:
        print(f"{source.name}:{number}: {reason}: {text.strip()}", file=sys.stderr)
    for number, form, base in parser.deinflected:
        print(f"{source.name}:{number}: note: verb entry {form} read as its base form {base}", file=sys.stderr)
    write(rows)
    write_synsets(parser.synsets)
    print(f"{OUT.name}: {summary(rows, parser)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
