"""``streamlit run`` on a free localhost port, for the browser tests and the benchmarks.

One way to start a page and wait until it answers (:func:`start_streamlit`), one way to stop it
(:func:`stop`), and :func:`streamlit` for a ``with`` block. The server listens on 127.0.0.1 only
and never opens a browser or sends usage statistics.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from geo.paths import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(script: Path, *options: str, cwd: Path = ROOT, env: Mapping[str, str] | None = None,
                    out: IO[str] | int = subprocess.DEVNULL, timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run script`` (with extra ``options``) and return the process and its URL once
    ``/_stcore/health`` answers; raise RuntimeError if it exits or does not answer within ``timeout`` s."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         *options], cwd=cwd, env=None if env is None else dict(env), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"streamlit run {script.name} did not start (exit code {process.poll()})") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Terminate the server, killing it if it has not stopped within 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@contextmanager
def streamlit(script: Path, *options: str, **kwargs) -> Iterator[str]:
    """``with streamlit(page) as url:`` the page served for the block (see :func:`start_streamlit`)."""
    process, url = start_streamlit(script, *options, **kwargs)
    try:
        yield url
    finally:
        stop(process)
