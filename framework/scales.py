"""Rating scales: read survey answers as levels, vectorised over the distinct answers.

A cell is a level by its number (``3``, `` 3 ``, ``3.0``, ``(3)``, ``Level 3``), its label
(``Proficient``) or a synonym, or both (``3 - Proficient``, ``3 – Proficient``, ``3. Proficient``,
``3: Proficient``, ``(3) Proficient``, ``Proficient (3)``), the label naming the same level. Blank cells
and the "missing" words (``N/A``, ``Don't know``) are missing, never 0. Anything else is invalid and
comes back with a reason; a cell with a number among other words ("2 tier architecture", "3 months",
"2-3", "1/2", "5 stars") is "not a rating on the … scale", never its first number.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from framework.definitions import DATA_DIR, DefinitionError, normalize_text

RATED, NOT_APPLICABLE, BLANK, INVALID = "rated", "not applicable", "blank", "invalid"
STATUSES = [RATED, NOT_APPLICABLE, BLANK, INVALID]

_NUM = r"[+-]?\d+(?:[.,]\d+)?"
# a number alone: 3, 3.0, 2,5, (3), 3), 3., Level 3
_BARE = re.compile(rf"^\(?\s*(?:level\s*)?(?P<num>{_NUM})\s*\)?\s*\.?$", re.IGNORECASE)
# a number, then its label: 3 - Proficient, 3 – Proficient, 3. Proficient, 3: Proficient, (3) Proficient
_NUMBER_LABEL = re.compile(
    rf"^(?:\(\s*(?P<n1>{_NUM})\s*\)|(?:level\s*)?(?P<n2>{_NUM}))\s*(?:[-–—:.)=]\s*)?(?P<label>[^\W\d_][^\d]*?)$",
    re.IGNORECASE,
)
# a label, then its number: Proficient (3), Proficient - 3
_LABEL_NUMBER = re.compile(rf"^(?P<label>[^\W\d_][^\d()]*?)\s*(?:\(\s*(?P<n3>{_NUM})\s*\)|[-–—:=]\s*(?P<n4>{_NUM}))$")


def _split(stripped: pd.Series) -> pd.DataFrame:
    """The number and the label of each answer, where it has the form of a rating (else NA)."""
    bare = stripped.str.extract(_BARE)
    first = stripped.str.extract(_NUMBER_LABEL)
    last = stripped.str.extract(_LABEL_NUMBER)
    num = bare["num"].fillna(first["n1"]).fillna(first["n2"]).fillna(last["n3"]).fillna(last["n4"])
    label = first["label"].fillna(last["label"])
    return pd.DataFrame({"num": num, "label": label}, index=stripped.index)


@dataclass(frozen=True)
class Answers:
    """Columns of answers as positions into their distinct answers, so that each distinct answer is read
    once however many cells hold it (a column of a million cells holds a handful)."""

    distinct: pd.Index  # the distinct answers of all the columns (object dtype), "" among them
    codes: np.ndarray  # rows x columns: each cell's position in ``distinct`` (a missing cell is "")
    counts: np.ndarray  # per distinct answer, how many cells hold it (missing cells not counted)

    @classmethod
    def of(cls, columns: list[pd.Series]) -> Answers:
        factorized = [_factorize(c) for c in columns]
        union = pd.Index(pd.unique(np.concatenate(
            [np.asarray(u, dtype=object) for _, u in factorized] + [np.array([""], dtype=object)]
        )))
        blank = union.get_loc("")
        rows = len(columns[0]) if columns else 0
        dtype = np.int32 if len(union) < 2**31 else np.intp
        codes = np.empty((rows, len(columns)), dtype=dtype)
        counts = np.zeros(len(union), dtype=np.int64)
        for j, (col_codes, uniques) in enumerate(factorized):
            where = union.get_indexer(pd.Index(np.asarray(uniques, dtype=object)))
            # one take: a column's code -1 (missing) reads the last entry, the blank answer
            codes[:, j] = np.append(where, blank).astype(dtype, copy=False)[col_codes]
            if len(where):
                counts[where] += np.bincount(col_codes + 1, minlength=len(where) + 1)[1:]
        return cls(union, codes, counts)

    def value_counts(self) -> pd.Series:
        """How many cells hold each answer that occurs, as ``Series.value_counts`` would count them."""
        seen = self.counts > 0
        return pd.Series(self.counts[seen], index=pd.Index(self.distinct[seen], dtype="string"))


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(column, sort=False, use_na_sentinel=True)``: codes (-1 for missing; integers of
    some width) and the distinct values in order of first appearance. Arrow-backed text is
    dictionary-encoded by Arrow in one pass."""
    try:
        text = pa.array(column.array)
        if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
            raise TypeError(text.type)
        chunks = text.dictionary_encode().chunks if isinstance(text, pa.ChunkedArray) else [text.dictionary_encode()]
    except (pa.ArrowException, TypeError, ValueError):
        chunks = []
    if not chunks or any(not c.dictionary.equals(chunks[-1].dictionary) for c in chunks):  # (one dictionary for all)
        return pd.factorize(column, sort=False, use_na_sentinel=True)
    codes = np.concatenate([pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in chunks])
    return codes, chunks[-1].dictionary.to_numpy(zero_copy_only=False)  # (Arrow's int32 codes, as they are)


@dataclass(frozen=True)
class ParsedAnswers:
    """What each distinct answer reads as: index a field with :attr:`Answers.codes` to get the cells'."""

    rating: np.ndarray  # float: the level, NaN unless rated
    status: np.ndarray  # int8 codes into STATUSES
    reason: np.ndarray  # codes into ``reasons`` ("" unless invalid)
    reasons: list[str]


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: int
    label: str = Field(min_length=1)
    synonyms: tuple[str, ...] = ()


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    kind: str = ""
    default: bool = False
    levels: tuple[Level, ...] = Field(min_length=2)
    missing: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consecutive(self) -> Scale:
        values = [lv.value for lv in self.levels]
        if values != list(range(values[0], values[0] + len(values))):
            raise ValueError(f"scale {self.id!r}: levels must be consecutive whole numbers in order")
        return self

    @property
    def min(self) -> int:
        return self.levels[0].value

    @property
    def max(self) -> int:
        return self.levels[-1].value

    @property
    def values(self) -> list[int]:
        return [lv.value for lv in self.levels]

    @property
    def range_text(self) -> str:
        return f"{self.min}–{self.max}"

    def label_of(self, value: float | int | None) -> str:
        if value is None or pd.isna(value):
            return "N/A"
        for lv in self.levels:
            if lv.value == value:
                return lv.label
        return f"{value:g}"

    def level_text(self, value: int) -> str:
        return f"{value} {self.label_of(value)}"

    def _label_map(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for lv in self.levels:
            for word in (lv.label, *lv.synonyms):
                out[normalize_text(word)] = lv.value
        return out

    def parse(self, values: pd.Series) -> pd.DataFrame:
        """Read answers as levels.

        Returns a frame aligned with ``values`` with columns ``rating`` (nullable Int64),
        ``status`` (rated / not applicable / blank / invalid) and ``reason`` (why invalid, else "").
        The work is done once per distinct answer and mapped back, so a large survey with a few
        distinct answers costs a few vectorised passes.
        """
        rating, status, reason, reasons = self.parse_block([values])
        return pd.DataFrame(
            {
                "rating": pd.array(rating[:, 0], dtype="Float64").astype("Int64"),
                "status": pd.Categorical.from_codes(status[:, 0], categories=STATUSES),
                "reason": pd.Categorical.from_codes(reason[:, 0], categories=reasons),
            },
            index=values.index,
        )

    def parse_block(self, columns: list[pd.Series]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """Read several equally long columns of answers at once.

        Returns (rating as float with NaN for missing, status codes into STATUSES, reason codes
        into the returned list of reasons), each shaped (rows, columns). Every distinct answer of
        the whole block is parsed once; the cells are filled by integer takes.
        """
        answers = Answers.of(columns)
        parsed = self.parse_answers(answers)
        return (parsed.rating[answers.codes], parsed.status[answers.codes], parsed.reason[answers.codes],
                parsed.reasons)

    def parse_answers(self, answers: Answers) -> ParsedAnswers:
        """Each distinct answer read once: its rating, status and reason (see :class:`ParsedAnswers`)."""
        text = pd.Series(answers.distinct.to_numpy(dtype=object), dtype="object").astype("string").fillna("")
        parsed = self._parse_unique(text)
        reasons, u_reason = np.unique(parsed["reason"].to_numpy(dtype=object).astype(str), return_inverse=True)
        return ParsedAnswers(
            rating=parsed["rating"].to_numpy(dtype="float64", na_value=np.nan),
            status=pd.Categorical(parsed["status"], categories=STATUSES).codes.astype(np.int8),
            reason=u_reason.astype(np.intp),
            reasons=list(reasons),
        )

    def _parse_unique(self, raw: pd.Series) -> pd.DataFrame:
        """Each answer of ``raw`` (pandas' "string" text) read, as a frame aligned with it; the few
        distinct answers of an import are read once per scale, though choosing the scale and reading
        the cells both ask."""
        return _parsed(self, tuple(raw.tolist())).set_axis(raw.index)

    def _parse_text(self, raw: pd.Series) -> pd.DataFrame:
        stripped = raw.str.strip()
        norm = stripped.map(normalize_text, na_action="ignore").astype("string").fillna("")
        missing_words = {normalize_text(w) for w in self.missing}
        missing_raw = {w.strip().lower() for w in self.missing}  # "-", "?" normalise to ""
        labels = self._label_map()

        rating = pd.Series(pd.NA, index=raw.index, dtype="Int64")
        status = pd.Series(INVALID, index=raw.index, dtype="string")
        reason = pd.Series("", index=raw.index, dtype="string")

        blank = stripped.eq("")
        words = sorted(missing_words - {""}, key=len, reverse=True)
        starts = norm.str.match(r"^(?:" + "|".join(re.escape(w) for w in words) + r")\b") & stripped.str.match(
            r"^[^0-9]+[\s(:–—-]"
        ) if words else pd.Series(False, index=raw.index)
        na = ~blank & (norm.isin(missing_words - {""}) | stripped.str.lower().isin(missing_raw) | starts)
        status[blank] = BLANK
        status[na] = NOT_APPLICABLE

        todo = ~blank & ~na
        by_label = norm.map(labels).astype("Int64")
        hit = todo & by_label.notna()
        rating[hit] = by_label[hit]
        status[hit] = RATED
        todo &= ~hit

        parts = _split(stripped)
        num = pd.to_numeric(parts["num"].str.replace(",", ".", regex=False), errors="coerce")
        has_label = parts["label"].notna()
        label_val = parts["label"].fillna("").map(normalize_text).astype("string").map(labels).astype("Int64")
        foreign = todo & num.notna() & has_label & label_val.isna()  # "2 tier architecture", "5 stars"
        numeric = todo & num.notna() & ~foreign
        whole = numeric & num.eq(num.round())
        in_range = whole & num.between(self.min, self.max)
        conflict = in_range & label_val.notna() & label_val.ne(num.round().astype("Int64"))
        good = in_range & ~conflict
        rating[good] = num[good].round().astype("Int64")
        status[good] = RATED

        levels = ", ".join(f"{lv.value} {lv.label}" for lv in self.levels)
        reason[numeric & ~whole] = "fractional rating; the scale has whole levels only"
        reason[whole & ~in_range] = f"outside the {self.range_text} scale"
        reason[conflict] = "the number and the label name different levels"
        other = todo & ~numeric
        with_digit = other & stripped.str.contains(r"\d", regex=True).fillna(False).astype(bool)
        reason[with_digit] = f"not a rating on the {self.name} scale ({levels}): a number with other words"
        reason[other & ~with_digit] = f"not a level of the {self.name} scale ({levels}) nor N/A"
        return pd.DataFrame({"rating": rating, "status": status, "reason": reason})

    def score(self, counts: pd.Series, foreign: set[str], words: pd.Series | None = None) -> tuple[int, int, int]:
        """For answer counts (distinct answer -> how many): answers read as levels, answers naming
        one of this scale's labels, and answers naming a label only another scale has. ``words``:
        each answer's label, normalised (:func:`answer_words`), when already found."""
        answers = pd.Series(counts.index, dtype="string")
        n = counts.to_numpy()
        parsed = self._parse_unique(answers)
        rated = int(n[parsed["status"].eq(RATED).to_numpy()].sum())
        if words is None:
            words = answer_words(answers)
        own = set(self._label_map())
        named = int(n[words.isin(own).to_numpy()].sum())
        alien = int(n[words.isin(foreign - own).to_numpy()].sum())
        return rated, named, alien


def answer_words(answers: pd.Series) -> pd.Series:
    """Each answer's label (the answer itself when it has no number), normalised."""
    return _split(answers.str.strip())["label"].fillna(answers).map(normalize_text)


class _ScaleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    missing: tuple[str, ...] = ()
    scales: tuple[Scale, ...] = Field(min_length=1)


@cache
def builtin_scales() -> dict[str, Scale]:
    path = DATA_DIR / "scales.toml"
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
        parsed = _ScaleFile.model_validate(raw)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DefinitionError(f"{path.name} is not a valid scale file ({exc}).") from None
    scales = [s.model_copy(update={"missing": parsed.missing}) for s in parsed.scales]
    scales.sort(key=lambda s: not s.default)
    return {s.id: s for s in scales}


def get_scale(scale_id: str) -> Scale:
    try:
        return builtin_scales()[scale_id]
    except KeyError:
        raise DefinitionError(f"unknown scale {scale_id!r}; choose one of {', '.join(builtin_scales())}.") from None


def default_scale() -> Scale:
    return next(iter(builtin_scales().values()))


@lru_cache(maxsize=32)
def _parsed(scale: Scale, answers: tuple) -> pd.DataFrame:
    """``Scale._parse_text`` of the answers, for the latest few scales and sets of distinct answers."""
    return scale._parse_text(pd.Series(answers, dtype="string"))


@dataclass(frozen=True)
class ScaleChoice:
    scale: Scale
    reason: str
    ambiguous: bool = False


def detect_scale(values: pd.Series) -> ScaleChoice:
    return detect_scale_counts(values.astype("string").value_counts(dropna=True))


def detect_scale_counts(counts: pd.Series) -> ScaleChoice:
    """Pick the scale that reads the most answers, not counting answers whose label belongs to
    another scale ("3 - Proficient" is no agreement answer); ties go to the scale whose labels
    appear, then to the default."""
    candidates = list(builtin_scales().values())
    labels = {s.id: set(s._label_map()) for s in candidates}
    everything = set().union(*labels.values())
    scored = []
    words = answer_words(pd.Series(counts.index, dtype="string"))  # (the same for every scale)
    for i, s in enumerate(candidates):
        rated, named, alien = s.score(counts, everything, words)
        scored.append((rated - alien, named, i, s))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    rated, named, _, best = scored[0]
    if rated <= 0:
        return ScaleChoice(best, f"no answer reads as a level; using the default {best.name} scale", True)
    if named:
        return ScaleChoice(best, f"{named} answers use its labels")
    tied = [s for r, _, _, s in scored[1:] if r == rated]
    if tied:
        return ScaleChoice(
            best,
            f"all answers are numbers between {best.min} and {best.max} with no labels, so the {best.name} "
            f"scale is assumed; choose another scale if the survey used one",
            True,
        )
    runner_up = scored[1][0] if len(scored) > 1 else 0
    if rated - runner_up < 0.05 * rated:  # e.g. a handful of 5s among thousands of 1–4 numbers
        return ScaleChoice(
            best,
            f"{rated - runner_up} answer(s) only fit the {best.name} scale ({best.range_text}); if the survey used "
            f"{scored[1][3].name} ({scored[1][3].range_text}), choose it and those answers will be listed as rejected",
            True,
        )
    return ScaleChoice(best, f"it reads {rated} answers as levels, more than any other scale")
