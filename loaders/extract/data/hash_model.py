"""Write model-files.sha256: the SHA-256 of every file of the pinned parser model, as installed.

Run it once after installing the pinned model package, and again only when the pin moves:
raise MODEL_VERSION in loaders/extract/parser.py and the pin in setup.cfg, install that version,
run ``python loaders/extract/data/hash_model.py``, regenerate the parse fixtures
(``python tests/fixtures/make_parses.py``), and review both diffs before committing them.
"""

from geokg.loaders.extract.parser import HASHES, MODEL_PACKAGE, MODEL_VERSION, file_hashes, model_path


def main() -> None:
    hashes = file_hashes(model_path())
    lines = [f"# {MODEL_PACKAGE} {MODEL_VERSION}: every file of its model directory, written by hash_model.py"]
    lines += [f"{digest}  {name}" for name, digest in hashes.items()]
    HASHES.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(hashes)} files hashed into {HASHES}")


if __name__ == "__main__":
    main()
