"""The contract's closed vocabularies, as Literal types named after the law and the forms.

Kept apart from the models so rules can import the words without the wire format.
"""

from typing import Literal, get_args

EventType = Literal[
    "booking.created",
    "release.scheduled",
    "release.eligible",
    "release.eligibility_revoked",
    "detainer.received",
    "detainer.cancelled",
    "warrant.received",
    "truth.notice_given",
    "ice.notified",
    "ice.interview",
    "citizenship.claimed",
    "magistrate.held_to_answer",
    "custody.released",
    "wso.activity",
    "status.checked",
]

Level = Literal["felony", "misdemeanor", "infraction"]

#: Cal. Gov. Code §7282(b): the conditions that make a person "eligible for release".
EligibilityReason = Literal[
    "charges_dropped",
    "acquitted",
    "sentence_served",
    "bond_posted",
    "own_recognizance",
    "court_order",
    "other",
]

#: ICE detainer forms; the form (and its revision) decides the hold window (`policy.core.windows`).
#: I-247G: the notification-only request of the Gonzalez v. ICE settlement (2025).
DetainerForm = Literal[
    "I-247A", "I-247", "I-247D", "I-247N", "I-247X", "I-203", "other", "I-247G"
]  # fmt: skip

DetainerRequest = Literal["notify", "maintain_custody", "transfer"]

#: I-247A box 1: the four probable-cause bases.
ProbableCause = Literal[
    "final_order",
    "pending_proceedings",
    "biometric_database",
    "statements",
    "other_evidence",
]

AttachedWarrant = Literal["I-200", "I-205", "none"]

WarrantKind = Literal[
    "judicial_criminal_immigration",
    "judicial_probable_cause_determination",
    "judicial_criminal_other",
    "administrative",
    #: a state judicial official's order to hold the person for immigration authorities
    #: (N.C. G.S. 162-62(b1)); not a warrant for a crime, so custody stays a detainer hold
    "state_judicial_order",
]
AdministrativeWarrantForm = Literal["I-200", "I-205", "I-203", "I-286"]

TruthNotice = Literal["request_copy", "release_notification", "interview_consent"]
TruthRecipient = Literal["subject", "attorney", "designee"]

IceInformation = Literal["release_date", "personal_information", "criminal_history"]

CitizenshipKind = Literal["us_citizen", "lawful_status"]

#: How a jail checked a confined person's nationality or immigration status (Georgia,
#: O.C.G.A. §42-4-14(b)): a query to ICE's Law Enforcement Support Center, documents, or
#: another way.
StatusCheckMethod = Literal["lesc_query", "documents", "other"]

ReleasedTo = Literal["public", "ice", "cbp", "us_marshals", "other_agency", "hospital"]

WsoAction = Literal[
    "agreement_signed",
    "officer_designated",
    "warrant_served",
    "arrest",
    "agreement_requested",  # the agency asked ICE for an agreement (Texas SB 8: "request")
    "agreement_ended",  # the agency's agreement ended (terminated or expired)
]
#: The 287(g) program models ICE offers: task force, warrant service officer, jail enforcement.
AgreementModel = Literal["task_force", "warrant_service_officer", "jail_enforcement"]

#: The §7282.5(a)(3) offense categories, (A) to (AE).
OffenseLetter = Literal[
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P",
    "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "AA", "AB", "AC", "AD", "AE",
]  # fmt: skip

ConvictionCategory = Literal[
    "serious_felony",
    "violent_felony",
    "state_prison_felony",
    "wobbler",
    "prop47",
    "federal_aggravated_felony",
    "7282.5(a)(3)(A)", "7282.5(a)(3)(B)", "7282.5(a)(3)(C)", "7282.5(a)(3)(D)",
    "7282.5(a)(3)(E)", "7282.5(a)(3)(F)", "7282.5(a)(3)(G)", "7282.5(a)(3)(H)",
    "7282.5(a)(3)(I)", "7282.5(a)(3)(J)", "7282.5(a)(3)(K)", "7282.5(a)(3)(L)",
    "7282.5(a)(3)(M)", "7282.5(a)(3)(N)", "7282.5(a)(3)(O)", "7282.5(a)(3)(P)",
    "7282.5(a)(3)(Q)", "7282.5(a)(3)(R)", "7282.5(a)(3)(S)", "7282.5(a)(3)(T)",
    "7282.5(a)(3)(U)", "7282.5(a)(3)(V)", "7282.5(a)(3)(W)", "7282.5(a)(3)(X)",
    "7282.5(a)(3)(Y)", "7282.5(a)(3)(Z)", "7282.5(a)(3)(AA)", "7282.5(a)(3)(AB)",
    "7282.5(a)(3)(AC)", "7282.5(a)(3)(AD)", "7282.5(a)(3)(AE)",
]  # fmt: skip

OFFENSE_LETTERS: tuple[str, ...] = get_args(OffenseLetter)
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
