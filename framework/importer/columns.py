"""Match column headers (and long-layout cell values) to skill areas and identity fields.

A header names a skill area by its name, short label, id or an alias from the framework file, in
any case, with any punctuation, "&" for "and", common abbreviations ("Mgmt", "Comm."), or inside
question text. Survey tools put the statement of a grid question after the question text:
"Rate yourself [Data Privacy and Security]" (Google Forms, SurveyMonkey), "Rate yourself - Data
Privacy and Security" (Qualtrics) or "Rate yourself.Data Privacy and Security" (Microsoft Forms);
that part is tried first, so a question text that happens to name another area does not win.
Close misspellings match by fuzzy similarity with a lower confidence. Every match carries its
confidence and how it was found.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from framework.definitions import Framework, normalize_text

AREA, IDENTITY, UNMAPPED = "area", "identity", "unmapped"

# identity fields, in the order they are tried; each is a list of regular expressions over the
# normalised header (lower case, punctuation as spaces)
IDENTITY_FIELDS: dict[str, str] = {
    "email": "Email",
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "role": "Role",
    "group": "School or department",
    "respondent_id": "Respondent ID",
    "timestamp": "Timestamp",
    "area_name": "Skill area (long layout)",
    "rating": "Rating (long layout)",
}
_IDENTITY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"\b(e ?mail|email address|mail|mail address)\b")),
    ("first_name", re.compile(r"^(first|given) ?name$|\bfirst name\b")),
    ("last_name", re.compile(r"^(last|family|sur) ?name$|\blast name\b|\bsurname\b")),
    ("group", re.compile(r"\b(school|department|dept|campus|site|building|location|office|division|work ?group)\b|^(team|group|unit)$")),
    ("role", re.compile(r"\b(role|position|job|job title|title)\b")),
    ("timestamp", re.compile(r"\b(timestamp|time stamp|completion time|completed|submitted|submission date|end date|date)\b")),
    ("respondent_id", re.compile(r"^(id|respondent id|response id|responseid|respondent|staff id|employee id|record id)$")),
    ("name", re.compile(r"\bname\b|^(staff|staff member|respondent name|employee|person)$")),
    ("area_name", re.compile(r"^(skill area|area|skill|competency|domain|standard|skill area name|framework area)$")),
    ("rating", re.compile(r"^(rating|score|level|self rating|self assessment|proficiency|proficiency level|answer|response|value)$")),
]

_ABBREVIATIONS = {
    "mgmt": "management", "mgt": "management", "mngmt": "management", "comm": "communication",
    "comms": "communication", "communications": "communication", "info": "information",
    "tech": "technology", "dev": "development", "prof": "professional", "pd": "professional development",
    "sys": "systems", "it": "information technology", "admin": "administration", "sec": "security",
    "priv": "privacy", "instr": "instructional", "bus": "business", "strat": "strategic",
}


def _expand(text: str) -> str:
    return " ".join(_ABBREVIATIONS.get(w, w) for w in normalize_text(text).split())


@dataclass(frozen=True)
class ColumnMatch:
    column: str
    kind: str  # area / identity / unmapped
    target: str  # area id or identity field; "" when unmapped
    confidence: float
    method: str  # exact / alias / question text / fuzzy / keyword / chosen by user / note why unmapped

    def describe(self, framework: Framework) -> str:
        if self.kind == AREA:
            return framework.area(self.target).name
        if self.kind == IDENTITY:
            return IDENTITY_FIELDS[self.target]
        return "—"


class AreaMatcher:
    """Finds the skill area a piece of text names, for one framework."""

    def __init__(self, framework: Framework):
        self.framework = framework
        self.exact: dict[str, tuple[str, float, str]] = {}
        self.phrases: list[tuple[str, str, float]] = []  # (expanded phrase, area id, confidence)
        for area in framework.areas:
            names = [(area.name, 1.0, "exact name"), (area.id.replace("-", " "), 1.0, "area id"),
                     (area.label, 0.97, "short label")]
            names += [(a, 0.95, "alias") for a in area.aliases]
            for text, conf, how in names:
                for key in {normalize_text(text), _expand(text)}:
                    if key and key not in self.exact:
                        self.exact[key] = (area.id, conf, how)
                expanded = _expand(text)
                if len(expanded.split()) >= 2:
                    self.phrases.append((expanded, area.id, 0.9 if how != "alias" else 0.85))
        self.phrases.sort(key=lambda p: -len(p[0]))

    def match(self, text: str) -> tuple[str, float, str]:
        """(area id, confidence, method), or ("", 0, reason) when no area is named."""
        text = _QUESTION_NUMBER.sub("", str(text)) or str(text)
        candidates = statement_parts(text)
        candidates.append(text)
        for cand in candidates:
            for key in (normalize_text(cand), _expand(cand)):
                if key in self.exact:
                    area, conf, how = self.exact[key]
                    return area, conf, how if cand == text else "question text [" + how + "]"
        for cand in candidates:
            padded = f" {_expand(cand)} "
            hits = [(p, a, c) for p, a, c in self.phrases if f" {p} " in padded]
            if hits:
                longest = len(hits[0][0])
                areas = {a for p, a, _ in hits if len(p) == longest}
                if len(areas) == 1:
                    return hits[0][1], hits[0][2], "question text"
                return "", 0.0, "names more than one skill area"
        best = ("", 0.0)
        for cand in candidates:
            key = _expand(cand)
            if len(key) < 6:
                continue
            for phrase, area, _ in [(k, v[0], v[1]) for k, v in self.exact.items()]:
                if len(phrase) < 6:
                    continue
                ratio = difflib.SequenceMatcher(None, key, phrase).ratio()
                if ratio > best[1]:
                    best = (area, ratio)
        if best[1] >= 0.86:
            return best[0], round(0.9 * best[1], 2), "fuzzy"
        return "", 0.0, ""

    def match_many(self, values: pd.Series) -> pd.DataFrame:
        """Match each value; the work is done once per distinct value."""
        codes, uniques = pd.factorize(values.astype("string").fillna(""))
        found = pd.DataFrame([self.match(u) for u in uniques], columns=["area_id", "confidence", "method"])
        out = found.iloc[codes].reset_index(drop=True)
        out.index = values.index
        return out


# the statement of a grid question, after the question text: "Q [Statement]", "Q - Statement" (the
# last " - "), "Q.Statement" (a dot right after the question and right before the statement, so
# "Comm. Systems" is not split)
_STATEMENT = [
    re.compile(r"\[([^\[\]]+)\]\s*$"),
    re.compile(r"\s[-–—]\s+((?:(?!\s[-–—]\s).)+?)\s*$"),
    re.compile(r"\S\.([^\s.][^.]*?)\s*$"),
]


# a question number in front of the text: "Q7 Ethics", "Q7. Ethics", "7) Ethics", "3. Ethics"
_QUESTION_NUMBER = re.compile(r"^\s*(?:q\s*\d+[a-z]?\s*[.:)_-]?|\d+\s*[.:)])\s*", re.IGNORECASE)


def statement_parts(text: str) -> list[str]:
    """The statement part of a grid-question header, if it has one (at most one)."""
    for pattern in _STATEMENT:
        found = pattern.search(text)
        if found and found.group(1).strip():
            return [found.group(1).strip()]
    return []


# free-text questions are never identity fields, whatever words they use ("Anything else you'd like
# the technology office to know?" is not a school or department)
_FREE_TEXT = re.compile(
    r"^(anything else|any (other|additional|further)|(additional |other |general |any )?"
    r"(comments?|notes?|feedback|remarks?|suggestions?))\b"
)


def match_identity(header: str) -> str:
    norm = normalize_text(header)
    if _FREE_TEXT.search(norm):
        return ""
    for field, pattern in _IDENTITY_PATTERNS:
        if pattern.search(norm):
            return field
    return ""


def map_columns(
    columns: list[str],
    framework: Framework,
    hints: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> list[ColumnMatch]:
    """Decide what each column holds.

    ``hints`` come from the source format (column -> identity field it is known to hold, or "" for
    a metadata column such as a start time or IP address that is not used);
    ``overrides`` come from the user (column -> area id, identity field or "" to ignore).
    When two columns claim the same area or field, the one with the higher confidence keeps it
    and the other is reported as unmapped with the reason.
    """
    hints = hints or {}
    overrides = overrides or {}
    matcher = AreaMatcher(framework)
    area_ids = set(framework.area_ids)
    out: list[ColumnMatch] = []
    for col in columns:
        if col in overrides:
            tgt = overrides[col]
            kind = AREA if tgt in area_ids else IDENTITY if tgt in IDENTITY_FIELDS else UNMAPPED
            out.append(ColumnMatch(col, kind, tgt if kind != UNMAPPED else "", 1.0, "chosen by user"))
            continue
        if col in hints:  # the survey format knows this column: an identity field, or "" for metadata
            if hints[col]:
                out.append(ColumnMatch(col, IDENTITY, hints[col], 1.0, "survey format"))
            else:
                out.append(ColumnMatch(col, UNMAPPED, "", 0.0, "survey metadata"))
            continue
        area, conf, how = matcher.match(col)
        if area:
            out.append(ColumnMatch(col, AREA, area, conf, how))
            continue
        field = match_identity(col)
        if field:
            out.append(ColumnMatch(col, IDENTITY, field, 0.9, "keyword"))
        else:
            out.append(ColumnMatch(col, UNMAPPED, "", 0.0, how or "matches no skill area or identity field"))
    return _resolve_conflicts(out)


def _resolve_conflicts(matches: list[ColumnMatch]) -> list[ColumnMatch]:
    best: dict[tuple[str, str], int] = {}
    for i, m in enumerate(matches):
        if m.kind == UNMAPPED:
            continue
        key = (m.kind, m.target)
        j = best.get(key)
        if j is None or m.confidence > matches[j].confidence:
            best[key] = i
    out = []
    for i, m in enumerate(matches):
        if m.kind != UNMAPPED and best[(m.kind, m.target)] != i:
            keeper = matches[best[(m.kind, m.target)]].column
            m = ColumnMatch(m.column, UNMAPPED, "", 0.0, f"same {m.target} as column {keeper!r}, which matched better")
        out.append(m)
    return out
