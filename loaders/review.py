"""The review file: extracted claims as YAML that a person corrects and loads again, losing nothing.

It names its article's text file (``text``), so loading the corrected file keeps the article body;
keeps each sentence on one line, where a person searches for it; and shows an example, as comments,
under every empty section, so adding the first item needs no trip to the manual.
"""

import os
from pathlib import Path

import yaml

from geokg import __version__

# Invented actors, so that an example left in by mistake names nobody real.
EXAMPLES = {
    "actors": ["- name: Ruritania", "  type: State", "  aliases: [Ruritanian government]", "- name: Freedonia",
               "  type: State"],
    "relations": ["- predicate: alliedWith", "  subject: Ruritania", "  object: Freedonia",
                  "  sentence: Ruritania and Freedonia signed a defence pact on Monday."],
    "events": ["- type: Agreement", "  participants: [Ruritania, Freedonia]", "  time: on Monday",
               "  sentence: Ruritania and Freedonia signed a defence pact on Monday."],
    "claims": ["- claimant: Ruritania", "  content: the pact threatens no one", "  direct_quote: false",
               "  sentence: Ruritania said the pact threatens no one."],
}
# Wide enough that PyYAML never folds a sentence over two lines.
_ONE_LINE = 1 << 30


def text_reference(article: Path, review: Path | None) -> str:
    """How the review file names its article: relative to the review file's folder, or absolute."""
    if review is None:
        return str(article.resolve())
    return os.path.relpath(article.resolve(), review.resolve().parent)


def review_yaml(claims: dict, article: Path, review: Path | None = None) -> str:
    """A claims document as a review file for ``article``, to be written at ``review`` (None: shown)."""
    document = {"text": text_reference(article, review)} | {k: v for k, v in claims.items() if k != "text"}
    head = (f"# Extracted by geokg {__version__} from {article}.\n"
            "# Review and correct it, then load it with `geokg load` (see the README's claims file section);\n"
            "# `text` names the article's text file, so the article body is kept when this file is loaded.\n")
    lines = []
    for line in yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=_ONE_LINE).splitlines():
        section = line.partition(":")[0]
        if section in EXAMPLES and line == f"{section}: []":
            # Empty as a bare key, so that uncommenting the example below makes a valid list.
            lines.append(f"{section}:")
            lines.append("# For example (remove the '# ' to use it):")
            lines.extend(f"# {example}" for example in EXAMPLES[section])
        else:
            lines.append(line)
    return head + "\n".join(lines) + "\n"
