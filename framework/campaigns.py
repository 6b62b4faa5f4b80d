"""Survey rounds run inside the dashboard: invite the team, collect each person's self-assessment, close.

The life cycle (admins): **create** a round (its name, dates, framework and scale, who is invited: a list
of emails with role, school or department and, optionally, supervisor), **open** it, watch the response
rate (counts only, and only for groups of at least k), **close** it. Closing saves the submitted answers as
a survey round like an imported file (:meth:`framework.store.Store.save_round`), so every page, Trends and
the board report use it. A round's framework and scale are fixed once the first answer is in.

Staff, signed in, answer for themselves: one response per person per round, keyed by their email, saved at
every change, submitted when every area has an answer (a level, or "not part of my role"); answering again
after submitting takes the submission back until they submit again (the new answers replace the old).
A private note goes with the response: only the person and admins ever see it, and it never enters a
saved round, an anonymous view or an export.

Optionally (per round), each person's supervisor rates them on the same areas; anonymous views use the
self-ratings unless the admin chose the supervisors' for the round (which every chart then says).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from framework.access import normal_email
from framework.definitions import Framework, builtin_frameworks, get_framework, parse_framework
from framework.scales import NOT_APPLICABLE, RATED, STATUSES, get_scale
from framework.store import (
    LABEL_MAX,
    Round,
    Store,
    StoreError,
    answers_table,
    campaigns_table,
    clean_label,
    focus_table,
    invitations_table,
    responses_table,
)

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
SELF, SUPERVISOR = "self", "supervisor"
NOTE_MAX = 2_000  # the private note that goes with a self-assessment
FOCUS_NOTE_MAX = 1_000  # the note that goes with one's chosen focus areas (framework.growth.FocusChoice)
MAX_INVITED = 100_000
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Campaign:
    id: int
    label: str
    framework_id: str
    framework_source: str
    scale_id: str
    opens_on: date | None
    closes_on: date | None
    status: str
    supervisor_ratings: bool
    anonymous_source: str
    created_by: str
    created_at: datetime
    round_id: int | None
    revision: int = 0  # raised by every change to what its submitted answers show (see _bump)

    @property
    def framework(self) -> Framework:
        if self.framework_source:
            return parse_framework(self.framework_source, f"the framework of {self.label}")
        return get_framework(self.framework_id)

    @property
    def scale(self):
        return get_scale(self.scale_id)

    @property
    def dates(self) -> str:
        if self.opens_on and self.closes_on:
            return f"{self.opens_on.isoformat()} to {self.closes_on.isoformat()}"
        if self.closes_on:
            return f"until {self.closes_on.isoformat()}"
        return ""


def _campaign(row) -> Campaign:
    created = row.created_at
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    created = created.replace(tzinfo=UTC) if created.tzinfo is None else created.astimezone(UTC)
    return Campaign(int(row.id), row.label, row.framework_id, row.framework_source, row.scale_id, row.opens_on,
                    row.closes_on, row.status, bool(row.supervisor_ratings), row.anonymous_source, row.created_by,
                    created, None if row.round_id is None else int(row.round_id), int(row.revision))


def _run(store: Store, fn):
    try:
        with store._write.begin() as conn:
            return fn(conn)
    except DBAPIError as exc:
        if isinstance(exc, IntegrityError):
            raise
        raise store._unreachable(exc) from None


def _bump(conn, cid: int) -> None:
    """Raise the round's revision, in the transaction that changes what its submitted answers show: its status,
    framework or invitations, a submission, or a submitted response taken back by a new answer.

    Whatever is computed from a round's submitted answers (its live ratings, response rate, self beside
    supervisor) is the same for the same (id, revision), so the pages compute it once per revision and read the
    revision, in the round's row, at every run: a submission on any server shows at the next run. Answers to a
    response not submitted yet, and notes, change none of it and leave the row alone (most of a busy round's
    writes)."""
    conn.execute(sa.update(campaigns_table).where(campaigns_table.c.id == int(cid))
                 .values(revision=campaigns_table.c.revision + 1))


def _log(conn, actor: str, action: str, subject: str, detail: str = "") -> None:
    from framework.store import audit_table

    conn.execute(sa.insert(audit_table).values(at=_now(), actor=actor, action=action, subject=subject,
                                               detail=detail))


# ---- the invitation list ------------------------------------------------------------------------------
INVITE_COLUMNS = ["email", "name", "role", "school", "supervisor"]
_HEADERS = {"email": "email", "e-mail": "email", "email address": "email", "name": "name", "full name": "name",
            "role": "role", "job role": "role", "school": "school", "department": "school",
            "school or department": "school", "supervisor": "supervisor", "supervisor email": "supervisor",
            "manager": "supervisor"}


def parse_invitations(text: str) -> tuple[pd.DataFrame, list[str]]:
    """A pasted or uploaded list (CSV, or one email per line): columns email, name, role, school or
    department, supervisor's email, in that order or named in a header row. Returns the invitees and one
    sentence per line that was not used (with its line number): every line is used or reported."""
    text = text.replace("\r\n", "\n").strip("\ufeff")
    if len(text) > 5_000_000:
        raise StoreError("The invitation list is larger than 5 MB; split it, or import a survey file instead.")
    sample = text[:4096]
    delimiter = "\t" if "\t" in sample else ";" if sample.count(";") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    problems: list[str] = []
    order = INVITE_COLUMNS
    start = 0
    if rows and not any(EMAIL.match(c.strip()) for c in rows[0]):
        head = [_HEADERS.get(c.strip().lower(), "") for c in rows[0]]
        if "email" in head:
            order, start = head, 1
        else:
            problems.append("Line 1 holds no email address and no 'email' heading: it was not used.")
            start = 1
    out, seen = [], set()
    for i, row in enumerate(rows[start:], start=start + 1):
        if not any(c.strip() for c in row):
            continue
        record = {k: "" for k in INVITE_COLUMNS}
        for key, value in zip(order, row):
            if key:
                record[key] = value.strip()
        email = normal_email(record["email"])
        if not EMAIL.match(email):
            problems.append(f"Line {i}: {record['email'] or 'no email'} is not an email address: not used.")
            continue
        if email in seen:
            problems.append(f"Line {i}: {email} is on the list twice: the first line was used.")
            continue
        supervisor = normal_email(record["supervisor"])
        if supervisor and not EMAIL.match(supervisor):
            problems.append(f"Line {i}: the supervisor {record['supervisor']} is not an email address: "
                            f"{email} was invited without one.")
            supervisor = ""
        if supervisor == email:
            supervisor = ""
        seen.add(email)
        out.append({**record, "email": email, "supervisor": supervisor})
    if len(out) > MAX_INVITED:
        raise StoreError(f"The invitation list has {len(out):,} people; a round invites at most {MAX_INVITED:,}.")
    return pd.DataFrame(out, columns=INVITE_COLUMNS), problems


# ---- the life cycle ----------------------------------------------------------------------------------------
def create(store: Store, actor: str, label: str, framework: Framework, scale_id: str,
           invitees: pd.DataFrame, opens_on: date | None = None, closes_on: date | None = None,
           supervisor_ratings: bool = False, anonymous_source: str = SELF, framework_source: str = "") -> Campaign:
    """A new round in draft, with its invitation list. A custom framework is kept with the round as its TOML
    (``framework_source``), so the round reads the same ever after."""
    label = clean_label(label)
    get_scale(scale_id)
    if anonymous_source not in (SELF, SUPERVISOR) or (anonymous_source == SUPERVISOR and not supervisor_ratings):
        raise StoreError("Anonymous views can use the supervisors' ratings only in a round that collects them.")
    if opens_on and closes_on and closes_on < opens_on:
        raise StoreError("A round cannot close before it opens.")
    if store.find_round(label=label) is not None or find(store, label) is not None:
        raise StoreError(f"A round named {label!r} exists already; choose another name.")
    source = _source(framework, framework_source)

    def run(conn):
        cid = conn.execute(sa.insert(campaigns_table).values(
            label=label, framework_id=framework.id, framework_source=source, scale_id=scale_id, opens_on=opens_on,
            closes_on=closes_on, status=DRAFT, supervisor_ratings=bool(supervisor_ratings),
            anonymous_source=anonymous_source, created_by=actor, created_at=_now())).inserted_primary_key[0]
        _insert_invitees(conn, int(cid), invitees)
        _log(conn, actor, "create survey round", label, f"{len(invitees)} invited, {framework.title}, {scale_id}")
        return int(cid)

    try:
        return get(store, _run(store, run))
    except IntegrityError:
        raise StoreError(f"A round named {label!r} exists already; choose another name.") from None


def _insert_invitees(conn, cid: int, invitees: pd.DataFrame) -> None:
    rows = [{"campaign_id": cid, "email": normal_email(r.email), "name": str(r.name or ""), "role": str(r.role or ""),
             "group_name": str(r.school or ""), "supervisor": normal_email(r.supervisor)}
            for r in invitees.itertuples(index=False)]
    if rows:
        conn.execute(sa.insert(invitations_table), rows)


def invite(store: Store, actor: str, cid: int, invitees: pd.DataFrame) -> int:
    """Add people to a round that is not closed (people already invited keep their answers; their role,
    school and supervisor are updated). Returns how many were new."""
    c = get(store, cid)
    if c.status == CLOSED:
        raise StoreError(f"{c.label} is closed: nobody more can be invited.")
    known = set(invitations(store, cid)["email"])

    def run(conn):
        t = invitations_table
        for r in invitees.itertuples(index=False):
            email = normal_email(r.email)
            values = {"name": str(r.name or ""), "role": str(r.role or ""), "group_name": str(r.school or ""),
                      "supervisor": normal_email(r.supervisor)}
            if email in known:
                conn.execute(sa.update(t).where(t.c.campaign_id == cid, t.c.email == email).values(**values))
            else:
                conn.execute(sa.insert(t).values(campaign_id=cid, email=email, **values))
        _log(conn, actor, "invite to survey round", c.label, f"{len(invitees)} listed")
        _bump(conn, cid)

    _run(store, run)
    return len(set(invitees["email"]) - known)


def list_campaigns(store: Store) -> list[Campaign]:
    return [_campaign(r) for r in store._read(sa.select(campaigns_table).order_by(campaigns_table.c.id))]


def get(store: Store, cid: int) -> Campaign:
    rows = store._read(sa.select(campaigns_table).where(campaigns_table.c.id == int(cid)))
    if not rows:
        raise StoreError(f"There is no survey round {cid}.")
    return _campaign(rows[0])


def find(store: Store, label: str) -> Campaign | None:
    rows = store._read(sa.select(campaigns_table).where(campaigns_table.c.label == label))
    return _campaign(rows[0]) if rows else None


def _tuples(store: Store, query) -> list[tuple]:
    """The query's rows as the driver's plain tuples: a round's million answers are never made into Row objects
    (for the columns read this way, text and small integers, the driver's values are the values)."""
    try:
        with store.engine.connect() as conn:
            return conn.execute(query).cursor.fetchall()
    except DBAPIError as exc:
        raise store._unreachable(exc) from None


def _columns(rows: list[tuple], width: int) -> list[np.ndarray]:
    """The rows' columns as object arrays (one 2-D array made in C: zip(*rows) makes a million small objects the
    garbage collector then walks)."""
    if not rows:
        return [np.array([], dtype=object) for _ in range(width)]
    table = np.array(rows, dtype=object).reshape(len(rows), width)
    return [table[:, i] for i in range(width)]


INVITATION_COLUMNS = ["email", "name", "role", "school", "supervisor"]


def invitations(store: Store, cid: int) -> pd.DataFrame:
    t = invitations_table
    rows = _tuples(store, sa.select(t.c.email, t.c.name, t.c.role, t.c.group_name, t.c.supervisor)
                   .where(t.c.campaign_id == int(cid)).order_by(t.c.email))
    if not rows:
        return pd.DataFrame([], columns=INVITATION_COLUMNS)
    return pd.DataFrame({c: v.tolist() for c, v in zip(INVITATION_COLUMNS, _columns(rows, 5))})


def has_answers(store: Store, cid: int) -> bool:
    """Whether anyone has answered: from then on the round's framework and scale are fixed."""
    return _has_answers(store, cid)


def _has_answers(store: Store, cid: int) -> bool:
    q = sa.select(answers_table.c.email).where(answers_table.c.campaign_id == int(cid)).limit(1)  # not a count
    return bool(store._read(q))


def _source(framework: Framework, source: str) -> str:
    if framework.id in builtin_frameworks():
        return ""
    if not source or parse_framework(source, "the round's framework").model_dump() != framework.model_dump():
        raise StoreError("A round with a custom framework needs the framework's file as it was loaded.")
    return source


def set_framework(store: Store, actor: str, cid: int, framework: Framework, scale_id: str,
                  framework_source: str = "") -> Campaign:
    """Change a round's framework or scale: only until the first answer is in."""
    c = get(store, cid)
    if _has_answers(store, cid):
        raise StoreError(f"{c.label} has answers already: its framework and scale are fixed.")
    get_scale(scale_id)
    source = _source(framework, framework_source)

    def run(conn):
        conn.execute(sa.update(campaigns_table).where(campaigns_table.c.id == cid).values(
            framework_id=framework.id, framework_source=source, scale_id=scale_id))
        _log(conn, actor, "change survey round framework", c.label, f"{framework.title}, {scale_id}")
        _bump(conn, cid)

    _run(store, run)
    return get(store, cid)


def open_round(store: Store, actor: str, cid: int) -> Campaign:
    c = get(store, cid)
    if c.status != DRAFT:
        raise StoreError(f"{c.label} is {c.status}: only a draft round can be opened.")
    if invitations(store, cid).empty:
        raise StoreError(f"{c.label} invites nobody yet: add the invitation list first.")

    def run(conn):
        conn.execute(sa.update(campaigns_table).where(campaigns_table.c.id == cid).values(status=OPEN))
        _log(conn, actor, "open survey round", c.label)
        _bump(conn, cid)

    _run(store, run)
    return get(store, cid)


def close_round(store: Store, actor: str, cid: int, targets=None, survey_date: date | None = None) -> Round:
    """Close an open round and save its submitted answers as a survey round (the dashboard's data)."""
    c = get(store, cid)
    if c.status != OPEN:
        raise StoreError(f"{c.label} is {c.status}: only an open round can be closed.")
    tidy = live_ratings(store, cid, source=c.anonymous_source)
    if tidy["respondent"].nunique() == 0:
        raise StoreError(f"Nobody has submitted answers to {c.label} yet: there is nothing to save.")
    combined = _combined(c, tidy, targets)
    digest = hashlib.sha256(tidy.to_json(orient="records").encode("utf-8")).hexdigest()
    result = store.save_round(combined, c.label, survey_date or c.closes_on or date.today(), [digest])

    def run(conn):
        conn.execute(sa.update(campaigns_table).where(campaigns_table.c.id == cid).values(
            status=CLOSED, round_id=result.round.id))
        _bump(conn, cid)
        _log(conn, actor, "close survey round", c.label,
             f"{result.round.respondents} respondents saved as round {result.round.id}")

    _run(store, run)
    return result.round


# ---- answering -----------------------------------------------------------------------------------------------
def invited_to(store: Store, email: str, statuses=(OPEN,)) -> list[Campaign]:
    """The rounds (in these states) that invite this person, newest first."""
    t = invitations_table
    ids = {int(r[0]) for r in store._read(sa.select(t.c.campaign_id).where(t.c.email == normal_email(email)))}
    return [c for c in reversed(list_campaigns(store)) if c.id in ids and c.status in statuses]


def invitee(store: Store, cid: int, email: str) -> dict | None:
    t = invitations_table
    rows = store._read(sa.select(t).where(t.c.campaign_id == int(cid), t.c.email == normal_email(email)))
    if not rows:
        return None
    r = rows[0]
    return {"email": r.email, "name": r.name, "role": r.role, "school": r.group_name, "supervisor": r.supervisor}


def _check_can_answer(store: Store, cid: int, email: str, rater: str, by: str) -> Campaign:
    c = get(store, cid)
    if c.status != OPEN:
        raise StoreError(f"{c.label} is {c.status}: answers can be given only while it is open.")
    who = invitee(store, cid, email)
    if who is None:
        raise StoreError(f"{email} is not invited to {c.label}.")
    if rater == SELF and normal_email(by) != normal_email(email):
        raise StoreError("Only the person themself gives their self-assessment.")
    if rater == SUPERVISOR and (not c.supervisor_ratings or normal_email(by) != who["supervisor"]):
        raise StoreError(f"Only {email}'s supervisor rates them, and only in a round that asks supervisors.")
    return c


def answer(store: Store, cid: int, email: str, area_id: str, value, *, rater: str = SELF, by: str | None = None
           ) -> None:
    """Save one answer at once: a level, "N/A" (not part of my role), or None (no answer yet). Changing
    an answer after submitting takes the submission back until it is submitted again."""
    email, by = normal_email(email), normal_email(by or email)
    c = _check_can_answer(store, cid, email, rater, by)
    if area_id not in c.framework.area_ids:
        raise StoreError(f"{area_id} is not a skill area of {c.label}'s framework.")
    sc = c.scale
    if value is not None and value != "N/A" and (not isinstance(value, (int, np.integer)) or int(value) not in sc.values):
        raise StoreError(f"{value!r} is not a level of the {sc.name} scale.")

    def run(conn):
        a = answers_table
        key = (a.c.campaign_id == cid) & (a.c.email == email) & (a.c.rater == rater) & (a.c.area_id == area_id)
        conn.execute(sa.delete(a).where(key))
        if value is not None:
            rated = value != "N/A"
            conn.execute(sa.insert(a).values(campaign_id=cid, email=email, rater=rater, area_id=area_id,
                                             rating=int(value) if rated else None,
                                             status=RATED if rated else NOT_APPLICABLE, updated_at=_now()))
        _touch(conn, cid, email, rater, by, reopen=True)

    _run(store, run)


def _touch(conn, cid: int, email: str, rater: str, by: str, reopen: bool = False, note: str | None = None,
           submitted: bool = False) -> None:
    r = responses_table
    key = (r.c.campaign_id == cid) & (r.c.email == email) & (r.c.rater == rater)
    found = conn.execute(sa.select(r.c.note, r.c.submitted_at).where(key).with_for_update()).first()
    values = {"rated_by": by}
    if note is not None:
        values["note"] = note
    if submitted:
        values["submitted_at"] = _now()
    elif reopen:
        values["submitted_at"] = None
    if found is None:
        conn.execute(sa.insert(r).values(campaign_id=cid, email=email, rater=rater, note=values.get("note", ""),
                                         submitted_at=values.get("submitted_at"), rated_by=by))
    else:
        conn.execute(sa.update(r).where(key).values(**values))
    if submitted or (reopen and found is not None and found.submitted_at is not None):
        _bump(conn, cid)  # a submission made or taken back; last: the round's row is locked until the commit


def set_note(store: Store, cid: int, email: str, note: str, *, rater: str = SELF, by: str | None = None) -> None:
    email, by = normal_email(email), normal_email(by or email)
    _check_can_answer(store, cid, email, rater, by)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise StoreError(f"A note has at most {NOTE_MAX:,} characters.")
    _run(store, lambda conn: _touch(conn, cid, email, rater, by, note=note))


def response(store: Store, cid: int, email: str, rater: str = SELF) -> dict:
    """{"answers": {area id: level | "N/A"}, "note": str, "submitted_at": datetime | None}."""
    email = normal_email(email)
    a, r = answers_table, responses_table
    rows = store._read(sa.select(a.c.area_id, a.c.rating, a.c.status).where(
        a.c.campaign_id == int(cid), a.c.email == email, a.c.rater == rater))
    answers = {area: (int(rating) if status == RATED else "N/A") for area, rating, status in rows}
    meta = store._read(sa.select(r.c.note, r.c.submitted_at).where(
        r.c.campaign_id == int(cid), r.c.email == email, r.c.rater == rater))
    note, submitted = (meta[0][0], meta[0][1]) if meta else ("", None)
    return {"answers": answers, "note": note, "submitted_at": submitted}


def submit(store: Store, cid: int, email: str, *, rater: str = SELF, by: str | None = None) -> None:
    """Submit a response: every skill area needs an answer (a level, or not part of my role)."""
    email, by = normal_email(email), normal_email(by or email)
    c = _check_can_answer(store, cid, email, rater, by)
    missing = [a.name for a in c.framework.areas if a.id not in response(store, cid, email, rater)["answers"]]
    if missing:
        raise StoreError("Answer every skill area first (choose 'Not part of my role' where it does not apply): "
                         + ", ".join(missing) + ".")
    _run(store, lambda conn: _touch(conn, cid, email, rater, by, submitted=True))


def supervisees(store: Store, email: str) -> list[tuple[Campaign, dict]]:
    """(round, person) for each person this email supervises in an open round that asks supervisors."""
    t = invitations_table
    rows = store._read(sa.select(t.c.campaign_id, t.c.email).where(t.c.supervisor == normal_email(email)))
    out = []
    for cid, person in rows:
        c = get(store, cid)
        if c.status == OPEN and c.supervisor_ratings:
            out.append((c, invitee(store, cid, person)))
    return out


def for_round(store: Store, round_id: int) -> Campaign | None:
    """The round run in the dashboard that was saved as this stored round (None for an imported file)."""
    t = campaigns_table
    rows = store._read(sa.select(t).where(t.c.round_id == int(round_id)))
    return _campaign(rows[0]) if rows else None


def submitted_answers(store: Store, cid: int, email: str, rater: str = SELF) -> dict | None:
    """The submitted answers ({area id: level | "N/A"}) of one response, None when it was not submitted."""
    got = response(store, cid, email, rater)
    return got["answers"] if got["submitted_at"] is not None else None


def _submitted_answers(store: Store, cid: int, rater: str | None = None) -> list[tuple]:
    """(email, rater, area id, rating, status) of every submitted response's answers (one rater's, or both)."""
    a, r = answers_table, responses_table
    q = (sa.select(a.c.email, a.c.rater, a.c.area_id, a.c.rating, a.c.status)
         .join(r, (r.c.campaign_id == a.c.campaign_id) & (r.c.email == a.c.email) & (r.c.rater == a.c.rater))
         .where(a.c.campaign_id == int(cid), r.c.submitted_at.is_not(None)))
    return _tuples(store, q if rater is None else q.where(a.c.rater == rater))


def _submitted(store: Store, cid: int, rater: str | None = None) -> set:
    """The emails (with ``rater``) or (email, rater) pairs (without) of the submitted responses."""
    r = responses_table
    q = sa.select(r.c.email, r.c.rater).where(r.c.campaign_id == int(cid), r.c.submitted_at.is_not(None))
    if rater is not None:
        return {e for e, _ in _tuples(store, q.where(r.c.rater == rater))}
    return set(_tuples(store, q))


def _grid(people: pd.Index, area_ids: list[str], emails, areas) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row and column in a people x areas grid of each answer that has one, and which answers those are."""
    who = people.get_indexer(pd.Index(emails, dtype=object))
    where = pd.Index(area_ids, dtype=object).get_indexer(pd.Index(areas, dtype=object))
    keep = (who >= 0) & (where >= 0)
    return who[keep], where[keep], keep


def supervisor_pairs(store: Store, cid: int) -> pd.DataFrame:
    """Named view (admins): each person's self-rating beside their supervisor's, per skill area, for the
    submitted responses of a round that asks supervisors. Columns: email, name, area_id, self, supervisor.

    People in email order, areas in the framework's; a level is an int, "N/A" not part of the role, None not
    given or not submitted. Built as arrays (a state's round has two million answers), the same frame as a loop
    over every answer (tests/oracle_campaigns.py)."""
    c = get(store, cid)
    area_ids = list(c.framework.area_ids)
    done = _submitted(store, cid)
    inv = invitations(store, cid)
    inv = inv[[(e, SELF) in done or (e, SUPERVISOR) in done for e in inv["email"]]]
    columns = ["email", "name", "area_id", "self", "supervisor"]
    if inv.empty:
        return pd.DataFrame([], columns=columns)
    n, m = len(inv), len(area_ids)
    shown = {SELF: np.full((n, m), None, dtype=object), SUPERVISOR: np.full((n, m), None, dtype=object)}
    rows = _submitted_answers(store, cid)
    if rows:
        emails, raters, areas, ratings, statuses = _columns(rows, 5)
        value = ratings.copy()
        value[statuses != RATED] = "N/A"
        who, where, keep = _grid(pd.Index(inv["email"], dtype=object), area_ids, emails, areas)
        for rater, grid in shown.items():
            mine = raters[keep] == rater
            grid[who[mine], where[mine]] = value[keep][mine]
    return pd.DataFrame({
        "email": np.repeat(inv["email"].to_numpy(dtype=object), m).tolist(),
        "name": np.repeat(inv["name"].to_numpy(dtype=object), m).tolist(),
        "area_id": area_ids * n,
        "self": shown[SELF].ravel().tolist(), "supervisor": shown[SUPERVISOR].ravel().tolist(),
    }, columns=columns)


# ---- counts and the ratings a round holds ----------------------------------------------------------------------
def response_rate(store: Store, cid: int, k: int) -> dict:
    """Counts only: invited and submitted overall, and per role and per school or department for the
    groups with at least k people invited. Smaller groups are counted only in the overall figure; and since
    the overall figure minus the groups shown gives the groups left out, those left out together must hold at
    least k people too (else the smallest groups shown are left out as well)."""
    inv = invitations(store, cid)
    r = responses_table
    done = {e for (e,) in store._read(sa.select(r.c.email).where(
        r.c.campaign_id == int(cid), r.c.rater == SELF, r.c.submitted_at.is_not(None)))}
    inv = inv.assign(submitted=inv["email"].isin(done))
    out = {"invited": len(inv), "submitted": int(inv["submitted"].sum()), "by": {}}
    for by, col in (("role", "role"), ("school", "school")):
        g = inv.assign(group=inv[col].replace("", "Not stated")).groupby("group")
        table = pd.DataFrame({"invited": g.size(), "submitted": g["submitted"].sum().astype(int)})
        table = table.sort_values("invited", ascending=False, kind="stable")
        keep = table["invited"] >= k
        while (~keep).any() and table.loc[~keep, "invited"].sum() < k and keep.any():
            keep[keep[keep].index[-1]] = False  # the smallest group still shown joins those left out
        out["by"][by] = table[keep].reset_index().rename(columns={"group": by})
        out["by"][by + "_hidden"] = int((~keep).sum())
    return out


def _per_person(values: np.ndarray, m: int) -> pd.Categorical:
    """A person's text repeated for each of their ``m`` rows, as a categorical of the sorted distinct values
    (as ``astype("category")`` makes it), each distinct value handled once."""
    categories = pd.Index(pd.unique(values)).sort_values()
    return pd.Categorical.from_codes(np.repeat(categories.get_indexer(values), m), categories=categories)


def live_ratings(store: Store, cid: int, source: str = SELF) -> pd.DataFrame:
    """The submitted answers as the importer's tidy frame (one row per person and area; areas a person left
    without an answer are blank), with the invitation's name, email, role and school or department.

    People in email order (``row`` 1, 2, ... in that order), areas in the framework's. Built as arrays (a state's
    round has a million answers), the same frame as a loop over every answer (tests/oracle_campaigns.py)."""
    c = get(store, cid)
    area_ids = list(c.framework.area_ids)
    inv = invitations(store, cid)
    inv = inv[inv["email"].isin(_submitted(store, cid, source))]
    n, m = len(inv), len(area_ids)
    columns = ["respondent", "name", "email", "role", "group", "area_id", "rating", "status", "row"]
    if n == 0:
        frame = pd.DataFrame([], columns=columns)
        return pd.DataFrame({
            "respondent": frame["respondent"].astype("category"), "name": frame["name"].astype("category"),
            "email": frame["email"].astype("category"), "role": frame["role"].astype("category"),
            "role_id": pd.Categorical([]), "group": frame["group"].astype("category"),
            "area_id": frame["area_id"].astype("category"),
            "rating": pd.array(frame["rating"].to_numpy(dtype="float64", na_value=np.nan), dtype="Float64")
            .astype("Int64"),
            "status": pd.Categorical(frame["status"], categories=STATUSES),
            "row": frame["row"].astype("int64"), "column": pd.Categorical([]),
        })
    rating = np.full((n, m), np.nan)
    status = np.full((n, m), STATUSES.index("blank"), dtype="int8")
    rows = _submitted_answers(store, cid, source)
    if rows:
        emails, _, areas, ratings, statuses = _columns(rows, 5)
        who, where, keep = _grid(pd.Index(inv["email"], dtype=object), area_ids, emails, areas)
        rating[who, where] = ratings.astype("float64")[keep]
        status[who, where] = pd.Index(STATUSES, dtype=object).get_indexer(pd.Index(statuses, dtype=object))[keep]
    email = inv["email"].to_numpy(dtype=object)
    areas_sorted = pd.Index(area_ids).sort_values()
    blank = pd.Categorical.from_codes(np.zeros(n * m, dtype="int8"), categories=pd.Index([""]))
    return pd.DataFrame({
        "respondent": _per_person(email, m), "name": _per_person(inv["name"].to_numpy(dtype=object), m),
        "email": _per_person(email, m), "role": _per_person(inv["role"].to_numpy(dtype=object), m),
        "role_id": blank, "group": _per_person(inv["school"].to_numpy(dtype=object), m),
        "area_id": pd.Categorical.from_codes(np.tile(areas_sorted.get_indexer(area_ids), n), categories=areas_sorted),
        "rating": pd.array(rating.ravel(), dtype="Float64").astype("Int64"),
        "status": pd.Categorical.from_codes(status.ravel(), categories=pd.Index(STATUSES)),
        "row": np.repeat(np.arange(1, n + 1, dtype="int64"), m), "column": blank.copy(),
    })


def _combined(c: Campaign, tidy: pd.DataFrame, targets=None):
    """A saved round's input from a round run in the dashboard (an import report that says so)."""
    from framework.combine import Combined
    from framework.importer.core import ImportReport, ImportResult

    if targets is not None and len(tidy):
        tidy = tidy.assign(role_id=targets.match_roles(tidy["role"].astype("string")).astype("category"))
    people = int(tidy["respondent"].nunique())
    status = tidy["status"].astype("string")
    report = ImportReport(
        filename=f"{c.label} (answered in the dashboard)", file_kind="in-app", source_format="Self-assessment in "
        "the dashboard" + (" (supervisors' ratings)" if c.anonymous_source == SUPERVISOR else ""), layout="long",
        scale_id=c.scale_id, scale_reason="chosen for the round", rows_read=people, rows_used=people, rows_rejected=0,
        blank_rows=0, respondents=people, cells_rated=int(status.eq(RATED).sum()),
        cells_not_applicable=int(status.eq(NOT_APPLICABLE).sum()), cells_blank=int(status.eq("blank").sum()),
        cells_invalid=0, mapping=[], rejected=pd.DataFrame(columns=["row", "column", "value", "reason"]))
    fw = c.framework
    result = ImportResult(tidy, report, c.scale, fw)
    return Combined(tidy, c.scale, fw, [result])


# ---- focus areas --------------------------------------------------------------------------------------------------
def save_focus(store: Store, email: str, round_label: str, areas: list[str], note: str) -> None:
    """A person's chosen focus areas (at most three) and note, kept for their next round."""
    areas = list(dict.fromkeys(areas))
    if len(areas) > 3:
        raise StoreError("Choose at most three focus areas.")
    note = (note or "").strip()
    if len(note) > FOCUS_NOTE_MAX:
        raise StoreError(f"A note has at most {FOCUS_NOTE_MAX:,} characters.")
    email = normal_email(email)
    t = focus_table

    def run(conn):
        conn.execute(sa.delete(t).where(t.c.email == email, t.c.round_label == round_label[:LABEL_MAX]))
        conn.execute(sa.insert(t).values(email=email, round_label=round_label[:LABEL_MAX], areas=json.dumps(areas),
                                         note=note, updated_at=_now()))

    _run(store, run)


def focus_of(store: Store, email: str, round_label: str | None = None) -> dict | None:
    """The person's focus for a round (default: their latest)."""
    t = focus_table
    q = sa.select(t.c.round_label, t.c.areas, t.c.note, t.c.updated_at).where(t.c.email == normal_email(email))
    if round_label is not None:
        q = q.where(t.c.round_label == round_label)
    rows = store._read(q.order_by(t.c.updated_at.desc()))
    if not rows:
        return None
    label, areas, note, when = rows[0]
    return {"round": label, "areas": json.loads(areas), "note": note, "updated_at": when}


def team_focus(store: Store, round_label: str | None = None) -> pd.DataFrame:
    """Everyone's chosen focus areas (email, round, area): for the admins' Team growth page."""
    t = focus_table
    q = sa.select(t.c.email, t.c.round_label, t.c.areas)
    if round_label is not None:
        q = q.where(t.c.round_label == round_label)
    rows = [(e, label, area) for e, label, areas in store._read(q) for area in json.loads(areas)]
    return pd.DataFrame(rows, columns=["email", "round", "area_id"])


def focus_version(store: Store) -> tuple:
    """Changes whenever anyone saves their focus (a save replaces the row with a new time), as
    :func:`framework.state.version` does for the district's settings: a cache key read at every run."""
    t = focus_table
    count, latest = store._read(sa.select(sa.func.count(), sa.func.max(t.c.updated_at)))[0]
    return int(count), str(latest)


def focus_notes(store: Store, round_label: str, emails: list[str]) -> dict[str, str]:
    """The notes these people wrote with their focus for a round (admins' named view), in one query."""
    t = focus_table
    wanted = [normal_email(e) for e in emails]
    rows = store._read(sa.select(t.c.email, t.c.note).where(t.c.round_label == round_label, t.c.email.in_(wanted)))
    return dict(rows)


def pooled_focus(focus: pd.DataFrame, k: int | None) -> pd.DataFrame:
    """Focus areas pooled: per area, how many people chose it (index area_id; columns ``people``, ``shown``), most
    chosen first. With ``k`` (anonymous), an area fewer than k people chose has no count; and, as for response
    rates, the areas left out must together hold at least k choices, else the smallest shown count is left out
    too (nobody's choice is recovered from the total of their group). ``k`` None: the named view, every count."""
    counts = focus.groupby("area_id")["email"].nunique().sort_values(ascending=False, kind="stable")
    out = pd.DataFrame({"people": counts.astype("int64")})
    keep = pd.Series(True, index=out.index) if k is None else out["people"] >= k
    if k is not None:
        while (~keep).any() and out.loc[~keep, "people"].sum() < k and keep.any():
            keep[keep[keep].index[-1]] = False
    out["shown"] = keep
    return out
