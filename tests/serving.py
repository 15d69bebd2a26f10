"""Start the real ``compliance serve`` in a subprocess on a free loopback port, and talk to it over HTTP."""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

STARTUP_SECONDS = 30
COMMAND = str(Path(sys.executable).with_name("compliance"))  # the installed console script
_READY = re.compile(r"compliance: serving on (http://\S+?)/? ")


class Connection(http.client.HTTPConnection):
    """``http.client`` with Nagle off, as curl and browsers do: headers and body go out in separate writes,
    and Nagle plus the server's delayed ACK would add 40 ms to every request."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    url: str
    log: Path

    def request(self, method: str, path: str, body: bytes | str | dict | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        parts = urlsplit(self.url)
        conn = Connection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
            resp = conn.getresponse()
            return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()


@contextmanager
def running_server(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Iterator[Server]:
    """``compliance serve --port 0 ARGS``; yields once it prints the address it listens on."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp, "server.log")
        with log.open("wb") as out:
            proc = subprocess.Popen([COMMAND, "serve", "--port", "0", *args],
                                    stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                    env={**os.environ, **(env or {})})
        try:
            yield Server(_wait_for_address(proc, log), log)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_for_address(proc: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        found = _READY.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    raise RuntimeError(f"the server did not start within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")
