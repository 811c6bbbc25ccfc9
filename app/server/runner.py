"""Running the central server under uvicorn, in one process or several (``sayyar server --workers N``).

Each worker process builds its own app from the settings its parent put in the environment (uvicorn starts workers
by import string). Several workers are safe against PostgreSQL: every counter the server hands out (feed positions,
epochs) is taken in the database (docs/architecture.md, "Central server"). Logging goes through Sayyar's redacting
filter in every process, uvicorn's own loggers included (``log_config=None`` keeps uvicorn from replacing it).
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from app.server.apply import DEFAULT_CLOCK_MARGIN_MS

_DB, _MARGIN, _LOGS = "SAYYAR_SERVER_DB", "SAYYAR_SERVER_CLOCK_MARGIN_MS", "SAYYAR_SERVER_LOG_DIR"
_WORKERS = "SAYYAR_SERVER_WORKERS"


def from_environment() -> FastAPI:
    """The app factory each worker calls."""
    from app.logging_setup import configure_logging
    from app.server.app import create_app
    from app.server.guard import Throttle

    logs = os.environ.get(_LOGS)
    configure_logging(Path(logs) if logs else None, console=True)
    margin = int(os.environ.get(_MARGIN) or DEFAULT_CLOCK_MARGIN_MS)
    # Several processes share the sign-in lockout through the database (app/server/guard.py, Throttle).
    throttle = Throttle(several_processes=int(os.environ.get(_WORKERS) or 1) > 1)
    return create_app(os.environ.get(_DB) or "sayyar-central.db", clock_margin_ms=margin, throttle=throttle)


def serve(db: str, *, host: str, port: int, workers: int = 1, clock_margin_ms: int = DEFAULT_CLOCK_MARGIN_MS,
          log_dir: Path | None = None) -> None:
    import uvicorn

    os.environ[_DB] = db
    os.environ[_MARGIN] = str(clock_margin_ms)
    os.environ[_WORKERS] = str(max(1, workers))
    if log_dir is not None:
        os.environ[_LOGS] = str(log_dir)
    uvicorn.run("app.server.runner:from_environment", factory=True, host=host, port=port, workers=max(1, workers),
                log_config=None, log_level="info")
