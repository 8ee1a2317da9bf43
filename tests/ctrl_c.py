"""Ctrl+C for servers the tests start, as a person at a terminal has it."""

from __future__ import annotations

import signal


def like_a_terminal() -> None:
    """Run in the child before exec: SIGINT ends it, as in a foreground shell.

    A test run started in the background (`make test &`, some CI runners) ignores
    SIGINT, and a child inherits that, so the Ctrl+C the test sends would be lost.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
