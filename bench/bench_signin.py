"""Sign-in benchmark: how long one unlock takes with the DEFAULT argon2id parameters.

Run:  .venv/bin/python bench/bench_signin.py
Target: median of 5 unlocks <= 1 s (the sign-in budget; the defaults aim for ~0.3-0.6 s on a 2-core laptop).
Timing lives here, not in the test suite, because CI machines are noisy.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from app.security.keystore import DEFAULT_KDF_PARAMS, Keystore  # noqa: E402

TARGET_SECONDS = 1.0
RUNS = 5


def main() -> int:
    password = "bench-password-1"  # throwaway keystore in a temp folder; nothing real is touched
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keystore.json"
        Keystore.create(path, user_id="bench", username="bench", password=password, role="unit_admin")
        ks = Keystore.load(path)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            ks.unlock("bench", password)
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    p = DEFAULT_KDF_PARAMS
    print(
        f"argon2id time_cost={p.time_cost} memory_cost={p.memory_cost // 1024} MiB parallelism={p.parallelism}; "
        f"cpus={os.cpu_count()}"
    )
    print("unlock times: " + ", ".join(f"{t:.3f}s" for t in times))
    verdict = "PASS" if median <= TARGET_SECONDS else "FAIL"
    print(f"{verdict}: median unlock {median:.3f} s (target <= {TARGET_SECONDS:.0f} s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
