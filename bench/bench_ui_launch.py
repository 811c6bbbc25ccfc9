"""Launch benchmark: process start to the sign-in window on screen, against a bare PySide6 window.

Run:  .venv/bin/python bench/bench_ui_launch.py
Targets: median launch to sign-in <= 1.5 s, and <= 2x a bare PySide6 window measured in the same run.
Each measurement is a fresh subprocess (offscreen), so imports, fonts and translations are all counted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
TARGET_SECONDS = 1.5
TARGET_RATIO = 2.0

BARE = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("bare")
w.show()
app.processEvents()
print("shown", flush=True)
"""

SAYYAR = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from app.cli import main  # what the `sayyar` command runs: argument parsing and logging set-up included
raise SystemExit(main(["--data-dir", {folder!r}, "--smoke-test"]))
"""


def timed(code: str, env: dict[str, str]) -> float:
    """Seconds from starting the process to the line saying the window is shown."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "shown" in line:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError("the window was never shown")
    proc.wait(timeout=30)
    return elapsed


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from app.services.site import create_demo_site

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        create_demo_site(folder, with_staff=False)
        code = SAYYAR.format(root=str(ROOT), folder=str(folder))
        timed(code, env)  # warm the disk cache and compile translations once, as a second start would find them
        bare = [timed(BARE, env) for _ in range(RUNS)]
        app = [timed(code, env) for _ in range(RUNS)]
    b, a = statistics.median(bare), statistics.median(app)
    print(f"bare PySide6 window: {', '.join(f'{t:.3f}' for t in bare)} s (median {b:.3f} s)")
    print(f"Sayyar sign-in:      {', '.join(f'{t:.3f}' for t in app)} s (median {a:.3f} s)")
    ok = a <= TARGET_SECONDS and a <= TARGET_RATIO * b
    print(f"{'PASS' if ok else 'FAIL'}: launch {a:.3f} s (target <= {TARGET_SECONDS} s), "
          f"{a / b:.2f}x bare (target <= {TARGET_RATIO}x); cpus={os.cpu_count()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
