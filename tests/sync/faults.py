"""Fault injection used by test_faults.py: apply hooks (run inside the server's apply transaction), a TCP proxy that
cuts responses, and a client process that kills itself mid-step."""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import threading
from pathlib import Path


def kill_in_second_batch(stage: str) -> None:
    """Server hook: SIGKILL the server in the middle of the second batch's transaction (records written, nothing
    committed)."""
    if stage != "records_written":
        return
    marker = Path(os.environ["SAYYAR_FAULT_DIR"]) / "batches"
    n = int(marker.read_text()) + 1 if marker.exists() else 1
    marker.write_text(str(n))
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)


class DiskFull:
    """Server hook: the n-th batch fails with ENOSPC half-way through its transaction."""

    def __init__(self, on_batch: int) -> None:
        self.on_batch, self.seen, self.armed = on_batch, 0, True

    def __call__(self, stage: str) -> None:
        if stage == "records_written" and self.armed:
            self.seen += 1
            if self.seen == self.on_batch:
                raise OSError(errno.ENOSPC, "No space left on device")


class CuttingProxy:
    """Forwards loopback TCP to the server; the ``cut_response``-th response is cut after ``keep`` bytes."""

    def __init__(self, target_port: int, *, cut_response: int, keep: int = 60) -> None:
        self.target_port, self.cut_response, self.keep = target_port, cut_response, keep
        self.responses = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))

        def pump_up() -> None:
            try:
                while data := client.recv(65536):
                    upstream.sendall(data)
            except OSError:
                pass

        threading.Thread(target=pump_up, daemon=True).start()
        try:
            while data := upstream.recv(65536):
                if data.startswith(b"HTTP/1."):  # a new response on this (kept-alive) connection
                    with self.lock:
                        self.responses += 1
                        cut = self.responses == self.cut_response
                    if cut:
                        client.sendall(data[: self.keep])
                        self.cuts += 1
                        break
                client.sendall(data)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self.sock.close()


def client_main() -> None:
    """``python faults.py DB URL TOKEN MODE``: one sync round that dies (os._exit) at the point MODE names."""
    db, url, token, mode = sys.argv[1:5]
    sys.path.insert(0, str(Path(__file__).parent))
    from helpers import LAPTOP_KEY

    from app.services.context import Ctx
    from app.store import Store
    from app.sync import client, inbox, outbox

    store = Store.open(Path(db), LAPTOP_KEY)
    ctx = Ctx(store, "00000000-0000-0000-0000-000000000001", "clinician")
    if mode == "mid-apply":
        original = inbox._apply_records

        def dying(s, items, result):  # type: ignore[no-untyped-def]
            original(s, items, result)
            s.flush()  # the page's records are written in the open transaction, the cursor is not: die now
            os._exit(9)

        inbox._apply_records = dying  # type: ignore[assignment]
    elif mode == "after-push":
        original_push = client.Api.push

        def push_then_die(self, body):  # type: ignore[no-untyped-def]
            original_push(self, body)
            os._exit(9)  # the server applied the batch; the laptop never recorded the answer

        client.Api.push = push_then_die  # type: ignore[assignment]
    client.BATCH_SIZE = 100
    client.FAST_ANSWER_S = 0.0  # batches of 100 throughout: the fault lands where the test says
    del outbox
    client.run_sync_round(store, ctx, url, token)
    os._exit(0)


if __name__ == "__main__":
    client_main()
