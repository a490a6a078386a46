"""Who hears about a finding: routes from a TOML file the defender office and ops own.

```toml
[webhooks.pd-la]
url = "https://defender.example.org/hooks/holdwatch"
secret_env = "HOLDWATCH_WEBHOOK_SECRET_PD_LA"   # the whsec_... secret stays in the environment

[[routes]]
name = "la-defenders"
agencies = ["lasd"]                  # each filter: absent or empty matches everything
severities = ["critical", "high", "warning"]
webhooks = ["pd-la"]
emails = ["intake@defender.example.org"]

[routes.escalation]                  # high and critical findings nobody acknowledged in time
after_minutes = 60
emails = ["supervisor@defender.example.org"]
```
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from holdwatch.app.config_file import ConfigError, load_toml
from holdwatch.domain.findings import Code, Finding, Severity

#: What a delivery tells: a new finding, its end, its withdrawal, or an unheeded one again.
Notice = Literal["opened", "resolved", "superseded", "escalated"]
ESCALATING: frozenset[Severity] = frozenset({"critical", "high"})
EmailAddress = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookEntry(_Strict):
    url: HttpUrl
    secret_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")


class EscalationEntry(_Strict):
    after_minutes: float = Field(gt=0, le=7 * 24 * 60)
    webhooks: tuple[str, ...] = ()
    emails: tuple[EmailAddress, ...] = ()


class RouteEntry(_Strict):
    name: str
    agencies: frozenset[str] = frozenset()
    facilities: frozenset[str] = frozenset()
    codes: frozenset[Code] = frozenset()
    severities: frozenset[Severity] = frozenset()
    webhooks: tuple[str, ...] = ()
    emails: tuple[EmailAddress, ...] = ()
    escalation: EscalationEntry | None = None


class RoutingFile(_Strict):
    webhooks: dict[str, WebhookEntry] = {}
    routes: tuple[RouteEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Recipient:
    """A webhook (by its name in the file) or an e-mail address; `key` names it in Redis."""

    channel: Literal["webhook", "email"]
    address: str  # webhook name or e-mail address

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.address}"


@dataclass(frozen=True, slots=True)
class Escalation:
    route: str
    after: timedelta
    recipients: tuple[Recipient, ...]


def notice_for(change: str, finding: Finding) -> Notice | None:
    """The notice an alerts-stream entry calls for; None for a finding changed but still open."""
    if change == "new":
        return "opened"
    if change == "superseded":
        return "superseded"
    return "resolved" if finding.status == "resolved" else None


class RoutingTable:
    """Matches findings to recipients; built once from the file, checked at start."""

    def __init__(self, parsed: RoutingFile, secrets: dict[str, bytes]) -> None:
        self.routes = parsed.routes
        self.webhooks = {name: str(w.url) for name, w in parsed.webhooks.items()}
        self.secrets = secrets

    @classmethod
    def load(cls, path: Path, environ: dict[str, str] | None = None) -> RoutingTable:
        """Read the file and every webhook secret; fail naming the field or the variable."""
        env = dict(os.environ) if environ is None else environ
        parsed = load_toml(path, RoutingFile, "routing file")
        named = [w for r in parsed.routes for w in r.webhooks]
        named += [w for r in parsed.routes if r.escalation for w in r.escalation.webhooks]
        unknown = sorted(set(named) - set(parsed.webhooks))
        if unknown:
            raise ConfigError(f"routing file {path}: routes name unknown webhooks {unknown}")
        secrets = {}
        for name, hook in parsed.webhooks.items():
            value = env.get(hook.secret_env)
            if not value:
                raise ConfigError(f"webhook {name}: environment variable {hook.secret_env} unset")
            secrets[name] = decode_secret(value, hook.secret_env)
        return cls(parsed, secrets)

    def recipients(self, finding: Finding) -> tuple[Recipient, ...]:
        """Everyone a finding goes to, each once, in file order."""
        found: dict[str, Recipient] = {}
        for route in self._matching(finding):
            for r in _recipients(route.webhooks, route.emails):
                found.setdefault(r.key, r)
        return tuple(found.values())

    def escalations(self, finding: Finding) -> tuple[Escalation, ...]:
        """The escalations an unacknowledged high or critical finding sets off."""
        if finding.severity not in ESCALATING:
            return ()
        return tuple(
            Escalation(
                route.name,
                timedelta(minutes=route.escalation.after_minutes),
                _recipients(route.escalation.webhooks, route.escalation.emails),
            )
            for route in self._matching(finding)
            if route.escalation is not None
        )

    def _matching(self, f: Finding) -> list[RouteEntry]:
        return [
            r
            for r in self.routes
            if (not r.agencies or f.agency in r.agencies)
            and (not r.facilities or f.facility in r.facilities)
            and (not r.codes or f.code in r.codes)
            and (not r.severities or f.severity in r.severities)
        ]


def _recipients(webhooks: tuple[str, ...], emails: tuple[str, ...]) -> tuple[Recipient, ...]:
    return tuple(Recipient("webhook", w) for w in webhooks) + tuple(
        Recipient("email", e) for e in emails
    )


def decode_secret(value: str, where: str) -> bytes:
    """A Standard Webhooks secret, `whsec_` and base64; the bytes are the HMAC key."""
    try:
        return base64.b64decode(value.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        raise ConfigError(f"{where}: not a whsec_ base64 secret") from None
