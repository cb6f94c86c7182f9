"""Runs the real `flashsale` binary (embedded profile) on a free port for the test module, with
its own token secret and payment webhook secret, a demo sale of 3 units and a small per-buyer
rate limit."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = os.environ.get("FLASHSALE_BIN", str(ROOT / "target" / "debug" / "flashsale"))

DEMO_PRODUCT = "demo-phone"
DEMO_STOCK = 3
PER_USER_BURST = 3


@dataclass
class Service:
    base_url: str
    # The secret the payment provider signs its webhook requests with (random per service).
    webhook_secret: str
    mint: Callable[[str], str]


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    webhook_secret = secrets.token_hex(32)
    data = tempfile.TemporaryDirectory(prefix="flashsale-sdk-")
    env = {k: v for k, v in os.environ.items() if k != "RUST_LOG"}
    env.update(
        FLASHSALE_PROFILE="embedded",
        # The shipped storage (a database file), fresh for these tests.
        FLASHSALE__EMBEDDED__PATH=os.path.join(data.name, "flashsale.db"),
        FLASHSALE__HTTP__BIND="127.0.0.1:0",
        FLASHSALE__AUTH__TOKEN_SECRET=secrets.token_hex(32),
        FLASHSALE__PAYMENTS__WEBHOOK_SECRET=webhook_secret,
        FLASHSALE__DEMO__STOCK=str(DEMO_STOCK),
        FLASHSALE__RATE_LIMIT__PER_USER_BURST=str(PER_USER_BURST),
        FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND="0.01",
        FLASHSALE__LOG__FORMAT="json",
    )
    process = subprocess.Popen(
        [BIN],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        found: list[str] = []
        log: list[str] = []
        ready = threading.Event()

        def read_log() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                log.append(line.rstrip())
                match = re.search(r'listening on (http://[^\s"]+)', line)
                if match and not ready.is_set():
                    found.append(match.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read_log, daemon=True).start()
        if not ready.wait(30) or not found:
            raise RuntimeError("flashsale logged no address:\n" + "\n".join(log))

        def mint(sub: str) -> str:
            return subprocess.run(
                [BIN, "mint-token", "--sub", sub],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()

        yield Service(base_url=found[0], webhook_secret=webhook_secret, mint=mint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        data.cleanup()
