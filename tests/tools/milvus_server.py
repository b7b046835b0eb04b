"""milvus-lite's engine as a gRPC server on 127.0.0.1, as a Milvus server would run.

The milvus-lite wheel ships the C++ server binary that ``MilvusClient("./x.db")``
starts behind a Unix socket; given an address it listens on TCP instead, and a
client reaches it with ``http://127.0.0.1:<port>``, exactly as it would a
Milvus server. Used by the tests and benchmarks; stopped by its PID.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.tools.ports import free_port


def _binary() -> Path:
    from importlib.util import find_spec  # not an import: milvus-lite 2.5.1 warns about pkg_resources on import

    spec = find_spec("milvus_lite")
    if spec is None or spec.origin is None:
        raise RuntimeError('milvus-lite is not installed: pip install -e ".[milvus]"')
    return Path(spec.origin).parent / "lib" / "milvus"


@contextmanager
def milvus_lite_server(data_file: Path, timeout: float = 60.0) -> Iterator[str]:
    """Run the server on a free port with its data in ``data_file``; yields ``host:port``."""
    binary = _binary()
    port = free_port()
    address = f"127.0.0.1:{port}"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{binary.parent}:{os.environ.get('LD_LIBRARY_PATH', '')}",
               RUST_LOG="error")
    log_path = Path(data_file).with_suffix(".log")
    log = open(log_path, "wb")  # a file, not a pipe: a chatty server never blocks on it
    process = subprocess.Popen([str(binary), str(Path(data_file).resolve()), address, "ERROR"], env=env,
                               cwd=str(Path(data_file).parent), stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"milvus-lite server exited with {process.returncode}: "
                                   f"{log_path.read_text(errors='replace')[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"milvus-lite server not listening on {address} after {timeout:.0f} s")
                time.sleep(0.2)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
