"""The event contract (schemas/README.md, v1): CloudEvents 1.0 envelopes, one model per `type`.

Validation is strict: every instant is an `Instant` (RFC 3339 with a UTC offset, a year
from 1900 to 2199) and every date a `CalendarDate`, enums are closed, required fields are
required. Unknown *extra* attributes are ignored so the contract can grow new
optional fields without breaking older consumers, and so that what is kept of an event is
only what the contract names. Personal data fields carry the `PERSONAL` marker
(domain/personal.py: what roles without access to personal data are not shown) and are
kept out of `repr()` so they cannot leak into logs or tracebacks.
"""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from holdwatch.domain.instants import CalendarDate, Instant
from holdwatch.domain.personal import PERSONAL
from holdwatch.domain.vocab import (
    AdministrativeWarrantForm,
    AgreementModel,
    AttachedWarrant,
    CitizenshipKind,
    ConvictionCategory,
    DetainerForm,
    DetainerRequest,
    EligibilityReason,
    IceInformation,
    Level,
    ProbableCause,
    ReleasedTo,
    StatusCheckMethod,
    TruthNotice,
    TruthRecipient,
    WarrantKind,
    WsoAction,
)

NonEmpty = Annotated[str, Field(min_length=1)]


def _iana_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("not an IANA time zone name") from exc
    return name


IanaZone = Annotated[str, AfterValidator(_iana_zone)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


# --- data payloads -------------------------------------------------------------------


class Person(_Model):
    """The person booked. `person_id` is a stable pseudonym; the rest is personal data."""

    person_id: NonEmpty
    name: Annotated[str | None, PERSONAL] = Field(default=None, repr=False)
    date_of_birth: Annotated[CalendarDate | None, PERSONAL] = Field(default=None, repr=False)
    a_number: Annotated[str | None, PERSONAL] = Field(default=None, repr=False)


class Charge(_Model):
    """A charge on this booking. `level` is absent when the jail's record does not say (it
    is often unknown at booking); no rule reads it, unlike a prior conviction's."""

    charge_id: NonEmpty
    code: NonEmpty
    description: Annotated[str | None, PERSONAL] = Field(default=None, repr=False)
    level: Level | None = None


class PriorConviction(_Model):
    """A prior conviction; `categories`, when given, override holdwatch's offense table."""

    code: NonEmpty
    level: Level
    convicted_on: CalendarDate
    categories: tuple[ConvictionCategory, ...] | None = None


class BookingCreatedData(_Model):
    facility: NonEmpty
    timezone: IanaZone | None = None
    person: Person
    charges: tuple[Charge, ...] = ()
    prior_convictions: tuple[PriorConviction, ...] = ()
    registrant: bool | None = None


class ReleaseScheduledData(_Model):
    expected_at: Instant


class ReleaseEligibleData(_Model):
    reason: EligibilityReason
    #: when the court granted a personal-recognizance bond or the person was ready to post
    #: bond, if before RE: it starts a state release-time limit (Colorado's 6 hours)
    bond_at: Instant | None = None


class EligibilityRevokedData(_Model):
    # free text, so it may name people: personal
    reason: Annotated[NonEmpty, PERSONAL] = Field(repr=False)


class DetainerReceivedData(_Model):
    detainer_id: NonEmpty
    form: DetainerForm
    form_revision: str | None = None
    issued_at: Instant | None = None
    issuing_office: str | None = None
    issuing_district: str | None = None
    requests: tuple[DetainerRequest, ...] | None = None
    probable_cause: tuple[ProbableCause, ...] = ()
    attached_warrant: AttachedWarrant | None = None
    served_on_subject_at: Instant | None = None


class DetainerCancelledData(_Model):
    detainer_id: NonEmpty


class WarrantReceivedData(_Model):
    warrant_id: NonEmpty
    kind: WarrantKind
    form: AdministrativeWarrantForm | None = None
    issued_by: str | None = None
    statute: str | None = None


class TruthNoticeGivenData(_Model):
    notice: TruthNotice
    recipients: tuple[TruthRecipient, ...] = Field(min_length=1)
    detainer_id: str | None = None
    intends_to_comply: bool | None = None


class IceNotifiedData(_Model):
    information: IceInformation
    in_response_to: str | None = None
    publicly_available: bool = False


class IceInterviewData(_Model):
    consent_form_given: bool
    consented: bool


class CitizenshipClaimedData(_Model):
    kind: CitizenshipKind
    evidence: Annotated[str | None, PERSONAL] = Field(default=None, repr=False)


class MagistrateHeldToAnswerData(_Model):
    charge_code: NonEmpty
    categories: tuple[ConvictionCategory, ...] = ()


class CustodyReleasedData(_Model):
    to: ReleasedTo
    receiving_agency: str | None = None
    basis: str | None = None
    #: immigration officers were waiting where the person was let go (a lobby or
    #: sally-port arrest): the release was arranged for them, whatever `to` says
    immigration_present: bool | None = None
    #: released without honoring a detainer because complying was not safe; give why in
    #: `basis` (a state duty to honor "if safe to do so", New Hampshire)
    unsafe_to_comply: bool | None = None


class WsoActivityData(_Model):
    action: WsoAction
    #: the 287(g) model the act concerns, when the producer knows it
    model: AgreementModel | None = None
    #: on `agreement_ended`: whether the state body whose approval the law requires
    #: (Florida's State Board of Immigration Enforcement) approved it; absent: not recorded
    termination_approved: bool | None = None


class StatusCheckedData(_Model):
    method: StatusCheckMethod | None = None


# --- envelopes -----------------------------------------------------------------------


class _Envelope(_Model):
    specversion: Literal["1.0"]
    id: NonEmpty
    source: NonEmpty
    time: Instant
    agency: NonEmpty
    datacontenttype: Literal["application/json"] | None = None

    @property
    def key(self) -> tuple[str, str]:
        """The idempotency key: a repeat of (`source`, `id`) is ignored."""
        return (self.source, self.id)


class _BookingScoped(_Envelope):
    subject: NonEmpty


class BookingCreated(_BookingScoped):
    """`time` is the booking instant."""

    type: Literal["booking.created"]
    data: BookingCreatedData


class ReleaseScheduled(_BookingScoped):
    type: Literal["release.scheduled"]
    data: ReleaseScheduledData


class ReleaseEligible(_BookingScoped):
    """`time` is RE: the instant the person would otherwise walk out (§7282(b))."""

    type: Literal["release.eligible"]
    data: ReleaseEligibleData


class EligibilityRevoked(_BookingScoped):
    """A new local basis to hold; RE is void until a new `release.eligible`."""

    type: Literal["release.eligibility_revoked"]
    data: EligibilityRevokedData


class DetainerReceived(_BookingScoped):
    """`time` is receipt by this agency, which starts its TRUTH Act duties."""

    type: Literal["detainer.received"]
    data: DetainerReceivedData


class DetainerCancelled(_BookingScoped):
    """`time` is receipt of the cancellation, which ends the hold basis on that detainer."""

    type: Literal["detainer.cancelled"]
    data: DetainerCancelledData


class WarrantReceived(_BookingScoped):
    type: Literal["warrant.received"]
    data: WarrantReceivedData


class TruthNoticeGiven(_BookingScoped):
    type: Literal["truth.notice_given"]
    data: TruthNoticeGivenData


class IceNotified(_BookingScoped):
    type: Literal["ice.notified"]
    data: IceNotifiedData


class IceInterview(_BookingScoped):
    type: Literal["ice.interview"]
    data: IceInterviewData


class CitizenshipClaimed(_BookingScoped):
    type: Literal["citizenship.claimed"]
    data: CitizenshipClaimedData


class MagistrateHeldToAnswer(_BookingScoped):
    """A PC 872 probable-cause finding; unlocks notification only (§7282.5(b))."""

    type: Literal["magistrate.held_to_answer"]
    data: MagistrateHeldToAnswerData


class CustodyReleased(_BookingScoped):
    """`time` is when custody ended; it ends the booking."""

    type: Literal["custody.released"]
    data: CustodyReleasedData


class WsoActivity(_Envelope):
    """Warrant Service Officer / 287(g) activity; agency-level when `subject` is absent."""

    type: Literal["wso.activity"]
    subject: str | None = None
    data: WsoActivityData


class StatusChecked(_BookingScoped):
    """`time` is when the jail made its nationality or immigration-status check on the
    person (Georgia, O.C.G.A. §42-4-14(b)); the outcome is not part of the contract."""

    type: Literal["status.checked"]
    data: StatusCheckedData


Event = Annotated[
    BookingCreated
    | ReleaseScheduled
    | ReleaseEligible
    | EligibilityRevoked
    | DetainerReceived
    | DetainerCancelled
    | WarrantReceived
    | TruthNoticeGiven
    | IceNotified
    | IceInterview
    | CitizenshipClaimed
    | MagistrateHeldToAnswer
    | CustodyReleased
    | WsoActivity
    | StatusChecked,
    Field(discriminator="type"),
]

EVENT_MODELS: tuple[type[_Envelope], ...] = (
    BookingCreated,
    ReleaseScheduled,
    ReleaseEligible,
    EligibilityRevoked,
    DetainerReceived,
    DetainerCancelled,
    WarrantReceived,
    TruthNoticeGiven,
    IceNotified,
    IceInterview,
    CitizenshipClaimed,
    MagistrateHeldToAnswer,
    CustodyReleased,
    WsoActivity,
    StatusChecked,
)
