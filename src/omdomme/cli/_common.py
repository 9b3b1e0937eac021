"""What every command shares: turning library errors into a clean exit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from omdomme.errors import OmdommeError

F = TypeVar("F", bound=Callable[..., Any])


class OmdommeClickError(click.ClickException):
    """A ClickException that carries the library error's exit code."""

    def __init__(self, error: OmdommeError) -> None:
        super().__init__(str(error))
        # click declares exit_code a ClassVar; one instance attribute carries the error's code.
        self.exit_code = error.exit_code  # type: ignore[misc]


def handle_errors(func: F) -> F:
    """Decorate a command so an :class:`OmdommeError` becomes ``Error: <message>`` and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OmdommeError as error:
            raise OmdommeClickError(error) from error

    return wrapper  # type: ignore[return-value]
