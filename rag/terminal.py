"""Text safe to print: what an article or a file name says must not drive the terminal.

An escape sequence (``\\x1b]0;…`` retitles the window, ``\\x1b[2J`` clears it)
starts with a control character, and bidi controls reorder what the user
reads, so both are dropped from everything the command line prints. Lone
surrogates (undecodable bytes of a file name or argument) cannot be encoded
for output at all; they are shown as U+FFFD.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` without control characters, lone surrogates replaced by U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", _UNPRINTABLE.sub("", text))
