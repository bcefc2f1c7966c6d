"""Forms of a name that identifiers, offline lookups and candidate matching share; imports nothing heavy,
since the extractor and its worker processes read names through it."""

import unicodedata


def unaccented(text: str) -> str:
    """The text without its accents: decomposed (NFKD), combining marks dropped; other letters stay."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
