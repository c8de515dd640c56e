"""Rules of report jobs: who may ask for and fetch which report, what an annual run builds, how a
build moves on, and what its file is called. Pure: no nameko, no database.

Roles (the gateway passes the viewer; the municipality always comes from the session):

* coordinator and respondent: every report of their own municipality;
* unit lead: only the management report of their own unit and the units below it;
* KL analyst and admin: the national report and the annual run, never a municipality's report.

An annual run builds, for a closed round, one municipality report per participating
municipality, one management report per unit that answered anything, and the national report:
all as Danish PDFs, the edition that goes to management and to KL's board. Other formats and
English are built on request. A unit of a participating municipality without answers is due
too, but skipped with its reason, so that a run always ends with due = built + failed + skipped
and no report can disappear from the count unnoticed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from services.common.report_options import FORMATS, MUNICIPAL_KINDS

KINDS = ("municipality", "unit", "national")
MUNICIPAL_READERS = ("coordinator", "respondent")
UNIT_READERS = ("unit_lead",)
KL_ROLES = ("kl_analyst", "admin")
ANNUAL_FORMAT = "pdf"
ANNUAL_LANGUAGE = "da"
MAX_ATTEMPTS = 3
STEPS = {
    "queued": 0,
    "collecting": 15,
    "assembling": 45,
    "rendering": 60,
    "storing": 90,
    "ready": 100,
    "failed": 100,
    "skipped": 100,
}
FINAL_STATES = ("ready", "failed", "skipped")
NO_ANSWERS = "no answers from the unit in the round"


class NotAllowed(Exception):
    """The viewer may not ask for or see this report (shown as not found or forbidden)."""


@dataclass(frozen=True)
class Item:
    """One report of an annual run; ``key`` is unique within the run."""

    key: str
    kind: str
    municipality_id: int | None
    unit_id: int | None
    skipped: str | None = None


def check_request(kind: str, unit_id: int | None, viewer: dict) -> None:
    """A municipal viewer's request for a municipality or unit report."""
    role = viewer.get("role")
    if kind not in MUNICIPAL_KINDS:
        raise NotAllowed("kind")
    if kind == "unit" and unit_id is None:
        raise NotAllowed("unit_id")
    if role in MUNICIPAL_READERS:
        return
    if role in UNIT_READERS and kind == "unit" and unit_id in (viewer.get("unit_ids") or []):
        return
    raise NotAllowed("unit_id" if kind == "unit" else "kind")


def can_see(kind: str, unit_id: int | None, viewer: dict) -> bool:
    """Whether a municipal viewer may see a job of their own municipality."""
    try:
        check_request(kind, unit_id, viewer)
    except NotAllowed:
        return False
    return True


def plan(
    participants: dict[int, list[int]], silent: dict[int, list[int]] | None = None
) -> list[Item]:
    """The items of an annual run: ``participants`` maps municipality -> units that answered,
    ``silent`` municipality -> its other units, due but skipped (counted, never built)."""
    silent = silent or {}
    items = []
    for municipality_id in sorted(participants):
        items.append(Item(f"m:{municipality_id}", "municipality", municipality_id, None))
        units = {u: None for u in participants[municipality_id]}
        units.update({u: NO_ANSWERS for u in silent.get(municipality_id, []) if u not in units})
        for unit_id in sorted(units):
            key = f"u:{municipality_id}:{unit_id}"
            items.append(Item(key, "unit", municipality_id, unit_id, units[unit_id]))
    items.append(Item("national", "national", None, None))
    return items


def retry_delay(attempts: int) -> timedelta:
    """Back off 10 s, 40 s, 160 s ... after a build that failed for a reason that may pass."""
    return timedelta(seconds=10 * 4 ** max(attempts - 1, 0))


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


def slug(text: str) -> str:
    """A file-name-safe form of a Danish name: æ→ae, ø→oe, å→aa, spaces→dashes."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "rapport"


FILE_STEMS = {
    "da": {
        "municipality": "samlet-rapport",
        "unit": "ledelsesrapport",
        "national": "national-baseline",
    },
    "en": {
        "municipality": "municipality-report",
        "unit": "management-report",
        "national": "national-baseline",
    },
}


def filename(kind: str, year: int, language: str, fmt: str, name: str | None = None) -> str:
    """E.g. ``samlet-rapport-2025-aarhus.pdf``, ``ledelsesrapport-2025-it-drift.docx``."""
    stem = FILE_STEMS.get(language, FILE_STEMS["da"])[kind]
    parts = [stem, str(year)] + ([slug(name)] if name else [])
    return f"{'-'.join(parts)}.{FORMATS[fmt].extension}"
