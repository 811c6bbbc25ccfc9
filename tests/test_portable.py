"""Windows, where the field laptops are: nothing POSIX-only in app/. Paths go through pathlib, file privacy through
app.config.make_private (which says what it does on Windows), processes and signals through portable calls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# pattern -> why it is not portable
POSIX_ONLY = {
    r"\bos\.fork\b|\bos\.forkpty\b": "no fork() on Windows: use subprocess or a thread",
    r"\bos\.(getuid|geteuid|getgid|getegid|setuid|setsid|killpg|getpgid|setpgrp)\b": "POSIX process and user ids",
    r"^\s*(import|from)\s+(fcntl|termios|pwd|grp|resource|posix)\b": "a POSIX-only module",
    r"\bsignal\.(SIGKILL|SIGHUP|SIGUSR1|SIGUSR2|SIGALRM|SIGCHLD|SIGSTOP)\b": "a signal Windows does not have",
    r"\.chmod\(|\bos\.chmod\b|\bos\.chown\b": "chmod-only permission logic: use app.config.make_private",
    r"[\"'](/tmp|/var|/etc|/home|/usr)(/|[\"'])": "a hard-coded POSIX path: use platformdirs or tempfile",
    r"\bos\.path\.join\([^)]*[\"']/|\+\s*[\"']/[\"']\s*\+": "paths glued with '/': use pathlib",
    r"\bos\.symlink\b|\bos\.O_NOFOLLOW\b|\bos\.mkfifo\b": "symlinks and fifos need privileges or do not exist",
    r"\bos\.(uname|getloadavg|sysconf|statvfs)\b": "POSIX-only system information",
}
ALLOWED = {("config.py", r".chmod("): "the one portable privacy helper"}


@pytest.mark.parametrize("pattern", list(POSIX_ONLY))
def test_nothing_posix_only_in_app(pattern: str) -> None:
    found = []
    for path in APP.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line, re.M) and not any(path.name == f and a in line for f, a in ALLOWED):
                found.append(f"{path.relative_to(APP)}:{n}: {line.strip()}")
    assert found == [], f"{POSIX_ONLY[pattern]}:\n" + "\n".join(found)


def test_the_grep_catches_what_it_should() -> None:
    samples = {"os.fork()": 0, "os.getuid()": 1, "import fcntl": 2, "os.kill(pid, signal.SIGKILL)": 3,
               "path.chmod(0o600)": 4, "open('/tmp/x')": 5, "os.path.join(a, '/b')": 6}
    patterns = list(POSIX_ONLY)
    for text, index in samples.items():
        assert re.search(patterns[index], text, re.M), text


def test_make_private(tmp_path: Path) -> None:
    import os

    from app.config import make_private

    f = tmp_path / "secret.db"
    f.write_bytes(b"x")
    make_private(f)
    make_private(tmp_path)
    if os.name != "nt":
        assert f.stat().st_mode & 0o777 == 0o600 and tmp_path.stat().st_mode & 0o777 == 0o700
