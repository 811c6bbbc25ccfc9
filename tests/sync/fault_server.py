"""The real central server in its own process with a fault-injection hook, for the kill-mid-batch test:
``python fault_server.py --db FILE --port N --hook module:function``. Lives with the tests so that the shipped
server has no way to load arbitrary code from an environment variable."""

from __future__ import annotations

import argparse
import importlib

import uvicorn

from app.server.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hook", required=True, help="module:function called inside each apply transaction")
    args = parser.parse_args()
    module, name = args.hook.split(":", 1)
    hook = getattr(importlib.import_module(module), name)
    uvicorn.run(create_app(args.db, apply_hook=hook), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
