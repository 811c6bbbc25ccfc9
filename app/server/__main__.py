"""``python -m app.server --db URL --host H --port P``: the central server without the full CLI.

``SAYYAR_APPLY_HOOK=module:function`` installs a fault-injection hook called inside each apply transaction; the
sync tests use it to kill the server mid-batch. Unset in production.
"""

from __future__ import annotations

import argparse
import importlib
import os

import uvicorn

from app.server.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app.server")
    parser.add_argument("--db", default="sayyar-central.db")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8470)
    args = parser.parse_args()
    hook = None
    spec = os.environ.get("SAYYAR_APPLY_HOOK", "")
    if spec:
        module, name = spec.split(":", 1)
        hook = getattr(importlib.import_module(module), name)
    uvicorn.run(create_app(args.db, apply_hook=hook), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
