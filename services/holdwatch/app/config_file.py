"""The operator's TOML files (agencies, routes, tokens): read once at start, checked by a
pydantic model, and refused with the file and every bad field named, never a value."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigError(ValueError):
    """The operator's configuration is unusable: one line naming the file (or setting) and
    the field, which the command prints as its error before exiting with status 2."""


def load_toml(path: Path, model: type[M], what: str) -> M:
    try:
        return model.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise ConfigError(f"{what} {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{what} {path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:  # says where, e.g. "(at line 1, column 12)"
        raise ConfigError(f"{what} {path}: not TOML: {exc}") from None
    except ValidationError as exc:
        where = "; ".join(
            ".".join(str(p) for p in e["loc"]) + ": " + e["msg"]
            for e in exc.errors(include_input=False)
        )
        raise ConfigError(f"{what} {path}: {where}") from None
