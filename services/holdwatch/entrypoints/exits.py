"""How every `holdwatch` command ends: an exit status that says why, one line on stderr
naming the problem, never a traceback for what is not a bug, and no embedded Redis left
running whichever way the command ends.

| status | meaning |
|---|---|
| 0 | done (a service stopped by Ctrl-C or SIGTERM finishes its work and exits 0) |
| 1 | standard output closed early (`holdwatch audit … | head`), or a bug (a traceback) |
| 2 | bad input: arguments, a file, a setting, an operator's TOML file |
| 69 | Redis unreachable (EX_UNAVAILABLE in sysexits.h) |
| 130, 143 | a short command interrupted by Ctrl-C (SIGINT) or SIGTERM (128 + the signal) |
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from holdwatch.adapters.embedded import EmbeddedInUse, stop_all
from holdwatch.app.config_file import ConfigError
from holdwatch.settings import Settings

EXIT_BROKEN_PIPE = 1  # as Python's own recipe for SIGPIPE (signal module documentation)
EXIT_BAD_INPUT = 2
EXIT_SKIPPED = 3  # `audit`: some bookings could not be judged; the others' findings printed
EXIT_UNAVAILABLE = 69
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(SystemExit):
    """SIGTERM, raised where the command is so that its cleanup runs (Python's default
    for SIGTERM is to die on the spot, running nothing)."""

    def __init__(self) -> None:
        super().__init__(EXIT_TERMINATED)


def run_command(name: str, command: Callable[[], int]) -> int:
    """Run one subcommand and turn how it ended into an exit status (table above)."""
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    try:
        code = command()
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at devnull so that fails quietly too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except Terminated:
        code = EXIT_TERMINATED
    except ConfigError as exc:
        code = _fail(name, str(exc), EXIT_BAD_INPUT)
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        code = _fail(name, _settings_message(exc), EXIT_BAD_INPUT)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        code = _fail(name, f"Redis unreachable: {exc}", EXIT_UNAVAILABLE)
    except EmbeddedInUse as exc:
        code = _fail(name, str(exc), EXIT_UNAVAILABLE)
    finally:
        with _signals_held():
            stop_all()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return code


def _fail(name: str, message: str, code: int) -> int:
    print(f"holdwatch {name}: {message}", file=sys.stderr)
    return code


def _settings_message(exc: ValidationError) -> str:
    """One line naming each bad environment variable and why, never its value."""
    return "; ".join(
        f"{_variable(e['loc'])}: {e['msg']}" if e["loc"] else e["msg"]
        for e in exc.errors(include_input=False, include_url=False)
    )


def _variable(loc: tuple[int | str, ...]) -> str:
    field = str(loc[0])
    return "REDIS_URL" if field == "redis_url" else f"HOLDWATCH_{field.upper()}"


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C pressed again while the embedded Redis stops must not cut the stop short."""
    if not _main_thread():
        yield
        return
    held = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in held.items():
            signal.signal(sig, handler)
