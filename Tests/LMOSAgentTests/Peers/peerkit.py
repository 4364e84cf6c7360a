"""What the independent peers in this folder share: a failed check with what was sent and received, the check
registry, and the runner (one line per check, `ok N checks` at the end, exit 1 at the first failure, a watchdog
so that no run hangs)."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, Callable


class CheckFailed(Exception):
    def __init__(self, what: str, sent: Any = None, received: Any = None, expected: str | None = None):
        super().__init__(what)
        self.what, self.sent, self.received, self.expected = what, sent, received, expected


def show(value: Any) -> str:
    if value is None:
        return "(nothing)"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if not value:
            return "(nothing)"
        return "\n            ".join(show(item) for item in value)
    return json.dumps(value)


def require(condition: bool, what: str, sent: Any = None, received: Any = None, expected: str | None = None):
    if not condition:
        raise CheckFailed(what, sent, received, expected)


class Checks(list):
    """The checks of a peer, in the order they run: `@checks.add(name, description)` registers a function that
    takes the peer and returns None or a short note for the pass line."""

    def add(self, name: str, description: str):
        def register(function: Callable[[Any], str | None]):
            self.append((name, description, function))
            return function
        return register


    def add_arguments(self, parser: Any) -> None:
        """`--skip NAME` (repeatable; a prefix ending in * skips a group) and `--list`."""
        parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                            help="skip a check (a name, or a prefix ending in *); repeatable")
        parser.add_argument("--list", action="store_true", help="print the check names and exit")

    def listed(self, args: Any) -> bool:
        """With `--list`: prints the checks and says so (the caller exits 0)."""
        if args.list:
            for name, description, _ in self:
                print(f"{name}  {description}")
        return bool(args.list)


def skipped(name: str, patterns: list[str]) -> bool:
    return any(name == p or (p.endswith("*") and name.startswith(p[:-1])) for p in patterns)


def run(checks: Checks, peer: Any, skip: list[str], close: Callable[[], None],
        last_sent: Callable[[], Any] = lambda: None, watchdog_seconds: float = 120) -> int:
    """Runs every check not skipped; returns the exit status."""
    def watchdog() -> None:
        print(f"FAIL watchdog: the run took longer than {watchdog_seconds} s", file=sys.stderr, flush=True)
        os._exit(1)

    timer = threading.Timer(watchdog_seconds, watchdog)
    timer.daemon = True
    timer.start()
    passed = skipped_count = 0
    started = time.monotonic()
    try:
        for name, description, function in checks:
            if skipped(name, skip):
                skipped_count += 1
                print(f"skip {name}: {description}", flush=True)
                continue
            try:
                note = function(peer)
            except CheckFailed as failure:
                print(f"FAIL {name}: {failure.what}\n"
                      f"  check:    {description}\n"
                      f"  sent:     {show(failure.sent)}\n"
                      f"  received: {show(failure.received)}\n"
                      f"  expected: {failure.expected or '-'}", file=sys.stderr, flush=True)
                return 1
            except Exception as error:  # a closed connection, a refused socket, a library's own error...
                print(f"FAIL {name}: {type(error).__name__}: {error}\n"
                      f"  check:    {description}\n"
                      f"  sent:     {show(last_sent())}", file=sys.stderr, flush=True)
                return 1
            passed += 1
            print(f"pass {passed:2d} {name}: {description}" + (f" [{note}]" if note else ""), flush=True)
    finally:
        close()
        timer.cancel()
    print(f"took {time.monotonic() - started:.1f} s" + (f", {skipped_count} skipped" if skipped_count else ""),
          flush=True)
    print(f"ok {passed} checks", flush=True)
    return 0
