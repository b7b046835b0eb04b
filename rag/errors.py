"""Errors a user can act on.

Anything raised as ``UserError`` is shown as its one-sentence message (no
traceback), so the message must say what went wrong and what to do.
"""


class UserError(Exception):
    """A problem with the user's input, corpus, index or configuration."""


class IndexMismatchError(UserError):
    """The index on disk was built with other settings than the running ones."""


class CorruptIndexError(UserError):
    """The index folder is unreadable or incomplete."""


class IndexBusyError(UserError):
    """Another process holds the build lock of the index."""


class IndexWriteError(UserError):
    """The index could not be written (no permission, a read-only or full disk); what was there is unchanged.

    Attributes:
        reason: The failure alone ("cannot write the index at …: No space left on device"), without what to do.
    """

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message
