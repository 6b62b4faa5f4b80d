"""Match column headers (and long-layout cell values) to skill areas and identity fields.

A header names a skill area by words, never by letters inside words. In order of confidence:

* its whole text (or the statement of a grid question) is the area's name, short label, id or an alias
  from the framework file, in any case, with any punctuation, "&" for "and" and common abbreviations
  ("Mgmt", "Comm.", "PD"): ``exact name`` / ``alias`` …, 0.95–1.0;
* it has the same words as a name or alias in another order or with other joiners ("Ethics/Policies",
  "Data Management skills"), two words at least: ``same words``, 0.93;
* a name or alias of two words or more appears as whole words in it and makes up at least half of its
  words (survey filler such as "rate your proficiency in" not counted): ``question text``, 0.85.

Survey tools put the statement of a grid question after the question text: "Rate yourself [Data Privacy
and Security]" (Google Forms, SurveyMonkey), "Rate yourself - Data Privacy and Security" (Qualtrics),
"Rate yourself.Data Privacy and Security" (Microsoft Forms), or a source format says where it is (older
Qualtrics exports join them with a bare hyphen); that part is tried first, so a question text that
happens to name another area does not win.

"IT" is the abbreviation only as a token of its own where an abbreviation stands: before a management
word ("IT Mgmt", "IT management"), alone ("[IT]"), or in capitals in mixed-case text ("Rate your IT
skills"); never the pronoun ("is it rude", "# it's a comment").

What is less sure is *proposed*, not used: a name found in a long question ("How many hours of
professional development …"), one single word of an alias inside a question ("… rate the leadership"),
or a close misspelling ("Leadrship and Vison": spelling similarity is tried word by word, only on
words of five letters or more, never alone on short or generic words such as "is_management"). The
column stays unused, and the mapping editor shows the proposal and its evidence for the user to accept.

Every match carries its confidence, how it was found (``method``) and what matched (``evidence``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from framework.definitions import Framework, normalize_text
from framework.importer.shape import column_letter

AREA, IDENTITY, UNMAPPED = "area", "identity", "unmapped"
USE_AT = 0.8  # automatic matches below this confidence are proposed, not used

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
    ("respondent_id", re.compile(r"^(id|respondent id|respondentid|response id|responseid|respondent|staff id|employee id|record id)$")),
    ("name", re.compile(r"\bname\b|^(staff|staff member|respondent name|employee|person)$")),
    ("area_name", re.compile(r"^(skill area|area|skill|competency|domain|standard|skill area name|framework area)$")),
    ("rating", re.compile(r"^(rating|score|level|self rating|self assessment|proficiency|proficiency level|answer|response|value)$")),
]

_ABBREVIATIONS = {
    "mgmt": "management", "mgt": "management", "mngmt": "management", "comm": "communication",
    "comms": "communication", "communications": "communication", "info": "information",
    "tech": "technology", "dev": "development", "prof": "professional", "pd": "professional development",
    "sys": "systems", "admin": "administration", "sec": "security",
    "priv": "privacy", "instr": "instructional", "bus": "business", "strat": "strategic",
}
# the words after which "it" is the abbreviation IT
_IT_BEFORE = {"mgmt", "mgt", "mngmt", "management", "manager", "managers", "administration", "admin", "operations",
              "infrastructure", "services", "service", "support", "department", "dept", "systems"}
# words that say nothing about which area a question is about
_FILLER = frozenset({
    "a", "an", "and", "the", "of", "in", "on", "for", "to", "at", "by", "with", "from", "as", "or", "is", "are",
    "be", "been", "am", "was", "were", "do", "does", "did", "i", "me", "my", "mine", "we", "our", "you", "your",
    "yourself", "yourselves", "they", "their", "it", "its", "this", "that", "these", "those", "each", "every",
    "all", "any", "following", "rate", "rating", "ratings", "rated", "how", "what", "which", "who", "please",
    "current", "currently", "level", "levels", "proficiency", "proficient", "skill", "skills", "area", "areas",
    "competency", "competencies", "self", "assessment", "assess", "would", "should", "could", "can", "will", "much",
    "many", "well", "very", "overall", "own", "s",
})
_WORD = re.compile(r"[A-Za-z0-9]+")


def _tokens(text: str) -> list[str]:
    """Lower-case words with abbreviations spelled out; "it" only where it is the abbreviation IT."""
    text = str(text).replace("’", "'").replace("&", " and ")
    raw = _WORD.findall(text)
    mixed_case = any(c.islower() for c in text) and any(c.isupper() for c in text)
    out: list[str] = []
    for i, word in enumerate(raw):
        low = word.lower()
        if low == "it":
            nxt = raw[i + 1].lower() if i + 1 < len(raw) else ""
            if nxt in _IT_BEFORE or (word == "IT" and (len(raw) == 1 or mixed_case)):
                out += ["information", "technology"]
            else:
                out.append("it")
            continue
        out += _ABBREVIATIONS.get(low, low).split()
    return out


def _expand(text: str) -> str:
    return " ".join(_tokens(text))


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in _FILLER]


@dataclass(frozen=True)
class ColumnMatch:
    column: str
    kind: str  # area / identity / unmapped
    target: str  # area id or identity field; "" when unmapped
    confidence: float
    method: str  # exact name / alias / same words / question text / keyword / chosen by user / why unmapped …
    evidence: str = ""  # what matched, in words ("'IT Mgmt' is the alias 'IT Mgmt'")
    proposed: str = ""  # for an unmapped column: the area id (or identity field) it may hold, not used
    letter: str = ""  # the column's letter in the file (A, B, … AA)

    def describe(self, framework: Framework) -> str:
        if self.kind == AREA:
            return framework.area(self.target).name
        if self.kind == IDENTITY:
            return IDENTITY_FIELDS[self.target]
        return "—"


@dataclass(frozen=True)
class AreaMatch:
    area: str  # area id ("" when none)
    confidence: float
    method: str
    evidence: str = ""

    @property
    def used(self) -> bool:
        return bool(self.area) and self.confidence >= USE_AT


_NONE = AreaMatch("", 0.0, "")


class AreaMatcher:
    """Finds the skill area a piece of text names, for one framework."""

    def __init__(self, framework: Framework):
        self.framework = framework
        self.exact: dict[str, tuple[str, float, str, str]] = {}  # key -> (area, confidence, how, original text)
        self.same_words: dict[frozenset[str], tuple[str, str, str]] = {}  # words -> (area, how, original)
        self.single: dict[str, tuple[str, str]] = {}  # one-word alias -> (area, original)
        phrases: dict[str, set[tuple[str, str, str]]] = {}  # expanded phrase -> {(area, how, original)}
        self.vocabulary: set[str] = set()
        for area in framework.areas:
            names = [(area.name, 1.0, "exact name"), (area.id.replace("-", " "), 1.0, "area id"),
                     (area.label, 0.97, "short label")]
            names += [(a, 0.95, "alias") for a in area.aliases]
            for text, conf, how in names:
                for key in {normalize_text(text), _expand(text)}:
                    if key and key not in self.exact:
                        self.exact[key] = (area.id, conf, how, area.id if how == "area id" else text)
                words = _content(_tokens(text))
                self.vocabulary.update(words)
                if len(words) >= 2:
                    self.same_words.setdefault(frozenset(words), (area.id, how, text))
                    phrases.setdefault(" ".join(_tokens(text)), set()).add((area.id, how, text))
                elif len(words) == 1:
                    self.single.setdefault(words[0], (area.id, text))
        self.phrases = {p: sorted(v) for p, v in phrases.items()}
        ordered = sorted(self.phrases, key=lambda p: -len(p))
        self._phrase_re = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b") if ordered else None

    def match(self, text: str) -> tuple[str, float, str]:
        """(area id, confidence, method) of a match that is used, or ("", 0, reason) otherwise."""
        found = self.find(text)
        return (found.area, found.confidence, found.method) if found.used else ("", 0.0, found.method)

    def find(self, text: str, statement: str | None = None) -> AreaMatch:
        """The best evidence that ``text`` names an area (used or only proposed), or none. ``statement``
        is the grid statement when the source format knows it."""
        text = str(text)
        bare = _QUESTION_NUMBER.sub("", text) or text
        parts = [statement] if statement else statement_parts(bare)
        candidates = [(p, True) for p in parts if p] + [(bare, False)]
        for cand, is_statement in candidates:
            for key in (normalize_text(cand), _expand(cand)):
                if key in self.exact:
                    area, conf, how, original = self.exact[key]
                    where = "the statement " if is_statement else ""
                    return AreaMatch(area, conf, "question text [" + how + "]" if is_statement else how,
                                     f"{where}{_quote(cand)} is the {_how(how)} {_quote(original)}")
        best = _NONE
        for cand, is_statement in candidates:
            found = self._by_words(cand, is_statement)
            if found.area or found.method:
                if found.used or found.method == _AMBIGUOUS:
                    return found
                if found.confidence > best.confidence:
                    best = found
        return best

    def _by_words(self, cand: str, is_statement: bool) -> AreaMatch:
        words = _tokens(cand)
        content = _content(words)
        if not content:
            return _NONE
        where = "the statement" if is_statement else "the header"
        key = frozenset(content)
        if len(content) >= 2 and key in self.same_words:
            area, how, original = self.same_words[key]
            return AreaMatch(area, 0.93, "same words", f"{where} {_quote(cand)} has the words of the {_how(how)} "
                                                       f"{_quote(original)}")
        if self._phrase_re is not None:
            hits = self._phrase_re.findall(" ".join(words))  # whole words, the longest phrase at each place
            if hits:
                areas = {a for h in hits for a, _, _ in self.phrases[h]}
                if len(areas) > 1:
                    return AreaMatch("", 0.0, _AMBIGUOUS)
                phrase = max(hits, key=len)
                area, how, original = self.phrases[phrase][0]
                share = len(_content(phrase.split())) / len(content)
                sure = share >= 0.5
                return AreaMatch(area, 0.85 if sure else 0.6, "question text" if sure else "proposed: question text",
                                 f"{where} contains {_quote(phrase)} ({_how(how)} {_quote(original)})")
        if len(content) == 1 and content[0] in self.single:  # one word of an alias inside a question
            area, original = self.single[content[0]]
            return AreaMatch(area, 0.6, "proposed: one word", f"{where} has the single word {_quote(content[0])} "
                                                              f"(alias {_quote(original)})")
        return self._spelled_like(cand, content, where)

    def _spelled_like(self, cand: str, content: list[str], where: str) -> AreaMatch:
        """Word by word: every word is a framework word or a close spelling of one (five letters or more),
        one at least is misspelt, and together they are the words of a name or alias."""
        if len(content) > 8 or not any(len(w) >= 5 and w not in self.vocabulary for w in content):
            return _NONE
        fixed = []
        for w in content:
            if w in self.vocabulary:
                fixed.append(w)
                continue
            near = _closest(w, frozenset(self.vocabulary)) if len(w) >= 5 else ""
            if not near:
                return _NONE
            fixed.append(near)
        if len(fixed) == 1 and fixed[0] in self.single:
            (area, original), how = self.single[fixed[0]], "alias"
        elif len(fixed) >= 2 and frozenset(fixed) in self.same_words:
            area, how, original = self.same_words[frozenset(fixed)]
        else:
            return _NONE
        return AreaMatch(area, 0.7, "proposed: spelled like", f"{where} {_quote(cand)} is spelled like the "
                                                              f"{_how(how)} {_quote(original)}")

    def match_many(self, values: pd.Series) -> pd.DataFrame:
        """Match each value (used matches only); the work is done once per distinct value."""
        codes, uniques = pd.factorize(values.astype("string").fillna(""))
        found = pd.DataFrame([self.match(u) for u in uniques], columns=["area_id", "confidence", "method"])
        out = found.iloc[codes].reset_index(drop=True)
        out.index = values.index
        return out


_AMBIGUOUS = "names more than one skill area"


@lru_cache(maxsize=65536)
def _closest(word: str, vocabulary: frozenset[str]) -> str:
    near = difflib.get_close_matches(word, [v for v in vocabulary if len(v) >= 5], n=1, cutoff=0.8)
    return near[0] if near else ""


def _how(how: str) -> str:
    return {"exact name": "name", "area id": "area id", "short label": "short label", "alias": "alias"}.get(how, how)


def _quote(text: str, most: int = 60) -> str:
    text = " ".join(str(text).split())
    return repr(text if len(text) <= most else text[: most - 1] + "…")


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
    statements: dict[str, str] | None = None,
) -> list[ColumnMatch]:
    """Decide what each column holds.

    ``hints`` come from the source format (column -> identity field it is known to hold, or "" for
    a metadata column such as a start time or IP address that is not used); ``statements`` too
    (column -> the statement of its grid question, where the format knows where it starts);
    ``overrides`` come from the user (column -> area id, identity field or "" to ignore).
    When two columns claim the same area or field, the one with the higher confidence keeps it
    and the other is reported as unmapped with the reason.
    """
    hints, overrides, statements = hints or {}, overrides or {}, statements or {}
    matcher = AreaMatcher(framework)
    area_ids = set(framework.area_ids)
    out: list[ColumnMatch] = []
    for i, col in enumerate(columns):
        letter = column_letter(i)
        if col in overrides:
            tgt = overrides[col]
            kind = AREA if tgt in area_ids else IDENTITY if tgt in IDENTITY_FIELDS else UNMAPPED
            out.append(ColumnMatch(col, kind, tgt if kind != UNMAPPED else "", 1.0, "chosen by user",
                                   "chosen in the mapping editor", letter=letter))
            continue
        if col in hints:  # the survey format knows this column: an identity field, or "" for metadata
            if hints[col]:
                out.append(ColumnMatch(col, IDENTITY, hints[col], 1.0, "survey format",
                                       "the survey tool's own column for it", letter=letter))
            else:
                out.append(ColumnMatch(col, UNMAPPED, "", 0.0, "survey metadata", "the survey tool's metadata",
                                       letter=letter))
            continue
        found = matcher.find(col, statements.get(col))
        if found.used:
            out.append(ColumnMatch(col, AREA, found.area, found.confidence, found.method, found.evidence,
                                   letter=letter))
            continue
        field = match_identity(col)
        if field:
            out.append(ColumnMatch(col, IDENTITY, field, 0.9, "keyword", _identity_evidence(col, field),
                                   letter=letter))
        elif found.area:
            out.append(ColumnMatch(col, UNMAPPED, "", found.confidence, found.method, found.evidence,
                                   proposed=found.area, letter=letter))
        else:
            out.append(ColumnMatch(col, UNMAPPED, "", 0.0, found.method or "matches no skill area or identity field",
                                   letter=letter))
    return _resolve_conflicts(out)


def _identity_evidence(header: str, field: str) -> str:
    norm = normalize_text(header)
    for f, pattern in _IDENTITY_PATTERNS:
        if f == field and (m := pattern.search(norm)):
            return f"the word {m.group(0).strip()!r}"
    return ""


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
            m = ColumnMatch(m.column, UNMAPPED, "", 0.0, f"same {m.target} as column {keeper!r}, which matched better",
                            m.evidence, letter=m.letter)
        elif m.kind == UNMAPPED and m.proposed and (AREA, m.proposed) in best:
            m = ColumnMatch(m.column, UNMAPPED, "", 0.0, f"{m.method.removeprefix('proposed: ')}, but another "
                            "column holds that skill area", m.evidence, letter=m.letter)
        out.append(m)
    return out
