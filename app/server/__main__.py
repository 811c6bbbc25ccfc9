"""``python -m app.server --db URL --host H --port P``: the central server without the full CLI."""

from __future__ import annotations

import argparse

import uvicorn

from app.server.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app.server")
    parser.add_argument("--db", default="sayyar-central.db")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8470)
    args = parser.parse_args()
    uvicorn.run(create_app(args.db), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
