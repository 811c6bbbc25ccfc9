"""Cold start of the BUILT app (dist/sayyar, from `make dist`) to the sign-in window, against a bare PySide6 window
built the same way, and the built folder's size.

Run:  .venv/bin/python bench/bench_built_launch.py [--app dist/sayyar]     (builds both when missing)
Targets: median start to the sign-in window <= 2 s and <= 2.5x the bare frozen PySide6 window; folder <= 300 MB.
Each start is a fresh process (offscreen); the first start of each program only warms the disk cache and is not
counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
RUNS = 7
TARGET_SECONDS, TARGET_RATIO, TARGET_MB = 2.0, 2.5, 300
EXE = ".exe" if os.name == "nt" else ""

BARE = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("bare")
w.show()
app.processEvents()
print("first window shown", flush=True)
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "first window shown" in line:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{command[0]} never showed its window")
    proc.kill()
    proc.wait(timeout=30)
    return elapsed


def bare_app() -> Path:
    exe = OUT / "bare-dist" / "bare" / f"bare{EXE}"
    if not exe.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        script = OUT / "bare.py"
        script.write_text(BARE, encoding="utf-8")
        subprocess.run([sys.executable, "-m", "PyInstaller", str(script), "--noconfirm", "--onedir", "--name", "bare",
                        "--distpath", str(OUT / "bare-dist"), "--workpath", str(OUT / "bare-work"),
                        "--specpath", str(OUT)], check=True, capture_output=True)
    return exe


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "sayyar")
    args = parser.parse_args()
    if not (args.app / f"sayyar{EXE}").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_dist.py"), "--distpath", str(args.app.parent)],
                       check=True)
    from scripts.build_dist import folder_size

    bare = bare_app()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([str(args.app / f"sayyar{EXE}"), "demo", "--no-app", "--patients", "0", "--data-dir",
                        str(site)], check=True, capture_output=True, env=env)
        sayyar = [str(args.app / f"sayyar{EXE}"), "--data-dir", str(site), "--smoke-test"]
        results: dict[str, list[float]] = {"bare": [], "sayyar": []}
        for name, command in (("bare", [str(bare)]), ("sayyar", sayyar)):
            timed(command, env)  # warm the disk cache
        for _ in range(RUNS):  # interleaved, so a busy moment weighs on both alike
            results["bare"].append(timed([str(bare)], env))
            results["sayyar"].append(timed(sayyar, env))
    bare_s, app_s = statistics.median(results["bare"]), statistics.median(results["sayyar"])
    ratio = app_s / bare_s
    size_mb = folder_size(args.app) / 1e6
    print(f"built bare PySide6 window: median {bare_s:.2f} s  ({', '.join(f'{t:.2f}' for t in results['bare'])})")
    print(f"built sayyar to sign-in:   median {app_s:.2f} s  ({', '.join(f'{t:.2f}' for t in results['sayyar'])})")
    print(f"ratio {ratio:.2f}x; built folder {size_mb:.0f} MB")
    ok = app_s <= TARGET_SECONDS and ratio <= TARGET_RATIO and size_mb <= TARGET_MB
    print(f"{'PASS' if ok else 'FAIL'}: start <= {TARGET_SECONDS} s ({app_s:.2f}), <= {TARGET_RATIO}x bare ({ratio:.2f}x), "
          f"folder <= {TARGET_MB} MB ({size_mb:.0f})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
