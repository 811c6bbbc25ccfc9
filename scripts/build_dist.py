"""Build the one-folder app with PyInstaller (build.spec) into dist/sayyar/, on Linux or Windows, and print its size.

    python scripts/build_dist.py [--distpath DIR]        (what `make dist` runs)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--distpath", type=Path, default=ROOT / "dist", help="where the app folder goes")
    parser.add_argument("--workpath", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)
    log = args.workpath.parent / "pyinstaller.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm",
                               "--distpath", str(args.distpath), "--workpath", str(args.workpath)],
                              cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        print(log.read_text(encoding="utf-8")[-4000:], file=sys.stderr)
        print(f"build failed (full log: {log})", file=sys.stderr)
        return done.returncode
    app = args.distpath / "sayyar"
    print(f"built {app} ({folder_size(app) / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
