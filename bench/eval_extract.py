"""Score `geokg extract` on the dev articles in ../shared/articles with the project scorer.

    python bench/eval_extract.py [--shared ../shared] [--keep OUTDIR]

Reads the copyrighted dev articles from ../shared only; nothing from there is written into the project.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--keep", type=Path, help="write the extracted claims files here instead of a temp dir")
    args = parser.parse_args()
    articles = args.shared / "articles"
    out = args.keep or Path(tempfile.mkdtemp(prefix="geokg-eval-"))
    out.mkdir(parents=True, exist_ok=True)
    for article in sorted(articles.glob("*.txt")):
        target = out / (article.stem + ".yaml")
        subprocess.run([sys.executable, "-m", "geokg", "extract", str(article), "-o", str(target)], check=True)
    return subprocess.run([sys.executable, str(args.shared / "eval" / "score.py"), str(articles), str(out),
                           "--verbose"]).returncode


if __name__ == "__main__":
    sys.exit(main())
