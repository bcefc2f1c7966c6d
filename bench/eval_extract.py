"""Score `geokg extract` on the articles in ../shared/articles with the project scorer.

    python bench/eval_extract.py [--set dev|check|all] [--shared ../shared] [--keep OUTDIR]

`--set dev` (the default) scores the articles outside the check set in bench/check_set.txt, which is
held out until the end of the extraction work; `--set check` scores the check set alone. Reads the
copyrighted articles from ../shared only; nothing from there is written into the project.
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
    parser.add_argument("--set", choices=("dev", "check", "all"), default="dev", dest="which")
    args = parser.parse_args()
    articles = args.shared / "articles"
    out = args.keep or Path(tempfile.mkdtemp(prefix="geokg-eval-"))
    out.mkdir(parents=True, exist_ok=True)
    # The scorer scores every gold file in the folder it is given: give it the chosen set's alone.
    gold = Path(tempfile.mkdtemp(prefix="geokg-gold-"))
    for article in chosen(sorted(articles.glob("*.txt")), args.which):
        (gold / (article.stem + ".yaml")).symlink_to(article.with_suffix(".yaml").resolve())
        target = out / (article.stem + ".yaml")
        subprocess.run([sys.executable, "-m", "geokg", "extract", str(article), "-o", str(target)], check=True)
    return subprocess.run([sys.executable, str(args.shared / "eval" / "score.py"), str(gold), str(out),
                           "--verbose"]).returncode


def chosen(articles: list[Path], which: str) -> list[Path]:
    """The articles of the dev set, the check set, or all of them."""
    if which == "all":
        return articles
    lines = (ROOT / "bench" / "check_set.txt").read_text(encoding="utf-8").splitlines()
    check = {int(line) for line in lines if line.strip() and not line.startswith("#")}
    number = lambda path: int(path.name.split("-", 1)[0])  # noqa: E731
    return [a for a in articles if (number(a) in check) == (which == "check")]


if __name__ == "__main__":
    sys.exit(main())
