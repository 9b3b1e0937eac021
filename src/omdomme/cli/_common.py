"""What every command shares: turning library errors and OS failures into a clean exit.

:func:`handle_errors` is the one place where a failure becomes what the user sees: an
:class:`~omdomme.errors.OmdommeError` its own message and exit code (2 input, 1 analysis); an
``OSError`` that escaped the library (a folder that cannot be written, a file where a folder
should be, a full disk) one sentence naming the path, exit 1. SIGTERM is turned into an
orderly exit so that the writers' clean-up runs, as it does for Ctrl-C. No path ends in a
Python traceback.
"""

from __future__ import annotations

import errno
import functools
import os
import signal
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

import click

from omdomme.errors import OmdommeError, OmdommeWarning

F = TypeVar("F", bound=Callable[..., Any])


class OmdommeClickError(click.ClickException):
    """A ClickException that carries the library error's exit code."""

    def __init__(self, error: OmdommeError | str, exit_code: int | None = None) -> None:
        super().__init__(str(error))
        code = exit_code if exit_code is not None else getattr(error, "exit_code", 1)
        # click declares exit_code a ClassVar; one instance attribute carries the error's code.
        self.exit_code = code  # type: ignore[misc]


def _shown(path: str | bytes | os.PathLike[str] | None) -> str | None:
    """A path as the user typed it: relative to the current folder when it lies below it."""
    if path is None:
        return None
    text = os.fsdecode(path)
    try:
        return Path(text).resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except (ValueError, OSError):
        return text


def os_error_message(error: OSError) -> str:
    """One sentence about an OS failure that names the path and says what to do.

    Examples
    --------
    >>> os_error_message(PermissionError(13, "Permission denied", "/nonexistent/analyses"))
    '/nonexistent/analyses: permission denied. Check that you may write to (or read) it, or run from a folder you own.'
    >>> os_error_message(NotADirectoryError(20, "Not a directory", "/x/analyses/2018/estimates.parquet"))  # doctest: +ELLIPSIS
    '/x/analyses/2018/estimates.parquet: a file stands where a folder is needed (on this path). Move or rename that file...'
    """
    path = _shown(error.filename)
    other = _shown(getattr(error, "filename2", None))
    where = f"{path}" + (f" -> {other}" if other else "") if path else "a file or folder"
    if isinstance(error, PermissionError):
        what = "permission denied. Check that you may write to (or read) it, or run from a folder you own."
    elif isinstance(error, IsADirectoryError):
        what = "is a folder where a file is needed. Move or rename that folder, then run again."
    elif isinstance(error, NotADirectoryError):
        what = ("a file stands where a folder is needed (on this path). Move or rename that file, "
                "then run again.")
    elif isinstance(error, FileExistsError):
        what = "already exists and is in the way. Move or rename it, then run again."
    elif isinstance(error, FileNotFoundError):
        what = "not found (a folder on the path is missing or was removed while omdomme ran). Check the path."
    elif error.errno == errno.ENOSPC:
        what = "no space left on the device. Free some space, then run again."
    elif error.errno in (errno.EROFS,):
        what = "the file system is read-only. Run from a folder you can write to."
    else:
        what = f"{(error.strerror or str(error)).rstrip('.').lower()}. Check the path and run again."
    return f"{where}: {what}"


def _terminate(signum: int, frame: object) -> NoReturn:
    # A SystemExit unwinds like Ctrl-C: the writers' `except BaseException` clean-up runs.
    raise SystemExit(128 + signum)


def handle_errors(func: F) -> F:
    """Decorate a command so that every failure is one clear message and an exit code.

    ``OmdommeError`` -> its message and exit code; ``OSError`` -> :func:`os_error_message`,
    exit 1; SIGTERM -> the same clean-up as Ctrl-C, exit 143.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            previous = signal.signal(signal.SIGTERM, _terminate)
        except ValueError:  # not the main thread (a test runner): nothing to install
            previous = None
        try:
            with warnings.catch_warnings():
                # omdomme's notes (a date read as a number, firms in no county) as «Note: …»
                # lines, the same in every command; other warnings as Python shows them.
                shown = warnings.showwarning

                def note(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                         file: TextIO | None = None, line: str | None = None) -> None:
                    if issubclass(category, OmdommeWarning):
                        click.echo(f"Note: {message}", err=True)
                    else:
                        shown(message, category, filename, lineno, file, line)

                warnings.showwarning = note
                return func(*args, **kwargs)
        except OmdommeError as error:
            raise OmdommeClickError(error) from error
        except OSError as error:
            raise OmdommeClickError(os_error_message(error), exit_code=1) from error
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]
