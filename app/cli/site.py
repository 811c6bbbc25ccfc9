"""The laptop's site: ``demo``, ``demo-data``, ``load-facilities`` and ``info``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from app import __version__
from app.cli.common import PASSWORD_ENV, CliError, data_folder, signed_in


def demo_folder(args: argparse.Namespace) -> Path:
    """``demo`` keeps its site apart from a real one, unless a folder is named."""
    from app.config import data_dir

    if getattr(args, "data_dir", None) or os.environ.get("SAYYAR_DATA_DIR"):
        return data_folder(args)
    return data_dir(None).parent / "Sayyar-demo"


def ensure_demo_site(folder: Path, patients: int) -> None:
    from app.services.demo import make_demo_data
    from app.services.site import DEMO_PASSWORD, create_demo_site, sign_in, site_exists

    if site_exists(folder):
        return
    print(f"Creating the demo site in {folder} …")
    create_demo_site(folder)
    if patients:
        session = sign_in(folder, "admin", DEMO_PASSWORD)
        try:
            make_demo_data(session.store, patients=patients)
        finally:
            session.store.close()
    print(f"Demo users: m.shahraki (clinician), h.rigi (coordinator), z.sarani (unit administrator), "
          f"l.karimi (headquarters), admin — password '{DEMO_PASSWORD}'.")


def cmd_demo(args: argparse.Namespace) -> int:
    folder = demo_folder(args)
    ensure_demo_site(folder, args.patients)
    if args.no_app:
        return 0
    from app.ui.main import run_app

    return run_app(folder)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from app.services.demo import make_demo_data
    from app.services.site import DEMO_PASSWORD, create_demo_site, sign_in, site_exists

    if args.patients < 1:
        raise CliError("--patients must be at least 1")
    folder = data_folder(args)
    if not site_exists(folder):
        print(f"Creating the demo site in {folder} …")
        create_demo_site(folder)
        user, password = "admin", DEMO_PASSWORD
    else:
        user, password = args.user or "admin", os.environ.get(PASSWORD_ENV, DEMO_PASSWORD)
    session = sign_in(folder, user, password)
    try:
        report = make_demo_data(session.store, patients=args.patients, visits_per_patient=args.visits_per_patient,
                                seed=args.seed, progress=lambda n: print(f"  {n:,} patients …", flush=True))
    finally:
        session.store.close()
    for table, n in sorted(report.counts.items()):
        print(f"{table:>20}: {n:,}")
    print(f"Done in {report.seconds:.1f} s.")
    return 0


def cmd_load_facilities(args: argparse.Namespace) -> int:
    from app.services.reference import load_facilities

    session = signed_in(args)
    try:
        n = load_facilities(session.ctx, Path(args.file))
    finally:
        session.store.close()
    print(f"Loaded {n} facilities from {args.file}.")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from app.config import db_path
    from app.services.site import site_exists
    from app.store.migrate import HEAD_REVISION

    folder = data_folder(args)
    print(f"Sayyar {__version__} (database schema {HEAD_REVISION})\ndata folder: {folder}\n"
          f"set up: {'yes' if site_exists(folder) else 'no'}")
    if site_exists(folder):
        print(f"database: {db_path(folder)} ({db_path(folder).stat().st_size / 1e6:.1f} MB, encrypted)")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="set up the demo site (if missing) and open the app on it")
    p.add_argument("--patients", type=int, default=500, help="demo patients to create the first time (default 500)")
    p.add_argument("--no-app", action="store_true", help="only set up the demo site")
    p.set_defaults(handler=cmd_demo, log_folder=demo_folder)

    p = sub.add_parser("demo-data", help="fill the data folder with realistic demo records")
    p.add_argument("--patients", type=int, required=True)
    p.add_argument("--visits-per-patient", type=float, default=4.0, help="average visits per patient (default 4)")
    p.add_argument("--seed", type=int, default=1405, help="the same seed makes the same records (default 1405)")
    p.set_defaults(handler=cmd_demo_data)

    p = sub.add_parser("load-facilities", help="load a real facility list (CSV or JSON); all or nothing")
    p.add_argument("file", help="CSV with a header row (code,name_en,name_fa,unit,…) or JSON")
    p.set_defaults(handler=cmd_load_facilities)

    p = sub.add_parser("info", help="where the data is and its state")
    p.set_defaults(handler=cmd_info)
