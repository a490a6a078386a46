"""Who may read what through the API: bearer tokens with a role and, for defenders, agencies.

- `defender`: findings, holds and timelines with personal data, for its own agencies only;
  every read of personal data is written to the API audit log.
- `oversight`: every agency, but personal data is never shown — pseudonymous ids only.
  What a view shows is what its typed model declares; for oversight, every field marked
  personal (domain/personal.py) is emptied: an allowlist, never a filter over raw JSON.
- `admin`: everything, audited like a defender.

Tokens are stored as SHA-256 digests in a TOML file; the token itself never is:

```toml
[[tokens]]
name = "la-public-defender"
role = "defender"
agencies = ["lasd"]
sha256 = "9f86d0818..."      # printf %s "$TOKEN" | sha256sum
```
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from holdwatch.app.config_file import load_toml
from holdwatch.domain.personal import withhold

Role = Literal["defender", "oversight", "admin"]
M = TypeVar("M", bound=BaseModel)


class TokenEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: Role
    agencies: frozenset[str] = frozenset()
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class TokenFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tokens: tuple[TokenEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: Role
    agencies: frozenset[str]

    def may_see(self, agency: str) -> bool:
        return self.role != "defender" or agency in self.agencies

    @property
    def sees_personal_data(self) -> bool:
        return self.role in ("defender", "admin")

    @property
    def may_acknowledge(self) -> bool:
        return self.role in ("defender", "admin")

    def shown(self, model: M) -> M:
        """`model` as this caller may see it: whole, or with its personal fields emptied."""
        return model if self.sees_personal_data else withhold(model)


class TokenTable:
    def __init__(self, entries: tuple[TokenEntry, ...]) -> None:
        self._by_digest = {e.sha256: e for e in entries}

    @classmethod
    def load(cls, path: Path) -> TokenTable:
        parsed = load_toml(path, TokenFile, "tokens file")
        return cls(parsed.tokens)

    def authenticate(self, token: str) -> Principal | None:
        return self.by_digest(hashlib.sha256(token.encode()).hexdigest())

    def by_digest(self, digest: str) -> Principal | None:
        """The principal of a token known by its digest (a page session keeps only that)."""
        for known, entry in self._by_digest.items():
            if hmac.compare_digest(known, digest):
                return Principal(entry.name, entry.role, entry.agencies)
        return None
