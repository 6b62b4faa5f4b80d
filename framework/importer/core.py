"""Survey file to one tidy frame of ratings, with an import report that accounts for every row.

The tidy frame has one row per respondent x skill area:

    respondent  stable key (email, respondent id, or the source row)
    name, email, role, group   "" when the file does not say
    role_id     the matched target role profile ("" when none)
    area_id     skill-area id of the framework (categories: every area, in framework order)
    rating      Int64: the level, <NA> when missing
    status      rated / not applicable / blank / invalid (an invalid answer is also listed in the report)
    row         int: the source row (as a spreadsheet numbers it)
    column      the source column

Text columns are categoricals: a 100,000-person survey is a million rows that share a few thousand
distinct strings.

Every data row is either used (it gave at least one rating) or rejected with a reason; every
unreadable answer is listed with its row, column, value and reason. read = used + rejected.
"""

from __future__ import annotations

import contextlib
import mmap
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

import numpy as np
import pandas as pd
import pyarrow as pa

from framework.definitions import Framework
from framework.importer.columns import (
    AREA,
    IDENTITY,
    UNMAPPED,
    AreaMatcher,
    ColumnMatch,
    _content,
    _tokens,
    map_columns,
)
from framework.importer.errors import SurveyFileError
from framework.importer.limits import UPLOAD, Limits, size_text
from framework.importer.sources import pick_format
from framework.importer.table import OnDisk, RawTable, blank_rows, read_table
from framework.mapping import MappingProfile, find_profile
from framework.scales import (
    BLANK,
    INVALID,
    NOT_APPLICABLE,
    RATED,
    STATUSES,
    Answers,
    Scale,
    ScaleChoice,
    detect_scale_counts,
    get_scale,
)
from framework.targets import TargetSet, default_targets

_CODE = {s: i for i, s in enumerate(STATUSES)}
TIDY_COLUMNS = ["respondent", "name", "email", "role", "role_id", "group", "area_id", "rating", "status", "row", "column"]
REJECTED_COLUMNS = ["row", "column", "value", "reason"]
ROW = "(whole row)"


@dataclass
class ImportReport:
    filename: str
    file_kind: str
    source_format: str
    layout: str  # "wide" (a column per skill area) or "long" (a row per person and area)
    scale_id: str
    scale_reason: str
    rows_read: int
    rows_used: int
    rows_rejected: int
    blank_rows: int
    respondents: int
    cells_rated: int
    cells_not_applicable: int
    cells_blank: int
    cells_invalid: int
    mapping: list[ColumnMatch]
    rejected: pd.DataFrame  # row, column, value, reason (whole-row rejections use column "(whole row)")
    warnings: list[str] = field(default_factory=list)
    missing_areas: list[str] = field(default_factory=list)
    profile: str = ""  # the mapping profile applied, if any
    unusable: str = ""  # one sentence when nothing usable was read (no respondent with a rating), else ""

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_used + self.rows_rejected

    @property
    def unmapped_columns(self) -> list[str]:
        return [m.column for m in self.mapping if m.kind == UNMAPPED]

    def rejected_records(self) -> list[dict]:
        return [
            {"row": int(r.row), "column": str(r.column), "value": str(r.value), "reason": str(r.reason)}
            for r in self.rejected.itertuples(index=False)
        ]


class ImportResult:
    """What a survey file reads as: its tidy ratings frame, the import report, the scale and framework.

    A wide file's ratings are kept as one matrix (:class:`WideRatings`, a row per person); the tidy frame
    (a row per person x area) is built from it the first time :attr:`ratings` is read, with the same
    content as the importer always gave. A pickled result carries the tidy frame, as it always did.
    """

    def __init__(self, ratings: pd.DataFrame | None, report: ImportReport, scale: Scale, framework: Framework,
                 wide: WideRatings | None = None):
        if ratings is None and wide is None:
            raise ValueError("an import result needs its ratings")
        self._ratings = ratings
        self.report, self.scale, self.framework, self.wide = report, scale, framework, wide

    @property
    def ratings(self) -> pd.DataFrame:
        if self._ratings is None:
            self._ratings = self.wide.tidy()
        return self._ratings

    def __getstate__(self) -> dict:
        self.ratings  # noqa: B018  (built before pickling, so that a cached copy need not build it again)
        return dict(self.__dict__)

    def __repr__(self) -> str:
        return (f"ImportResult({self.report.filename!r}, {self.report.layout}, {self.report.respondents} respondents, "
                f"scale {self.scale.id})")


def read_survey(
    data: bytes,
    filename: str,
    framework: Framework,
    scale: str | Scale = "auto",
    targets: TargetSet | None = None,
    overrides: dict[str, str] | None = None,
    profiles: list[MappingProfile] | None = None,
    limits: Limits = UPLOAD,
) -> ImportResult:
    """Read a survey export. Raises :class:`SurveyFileError` (one plain sentence) for unusable input.

    ``overrides`` (column -> area id, identity field, or "" for not used) take precedence over the
    automatic matching; without them, a saved mapping profile that fits the file's headers is used.
    ``limits`` are the entry point's (the app's upload limits unless the command line says otherwise).
    """
    return _read_survey(read_table(data, filename, limits), filename, framework, scale, targets, overrides, profiles)


def read_survey_file(path: Path, framework: Framework, scale: str | Scale = "auto", targets: TargetSet | None = None,
                     limits: Limits = UPLOAD) -> ImportResult:
    """:func:`read_survey` of a file, whose bytes are let go once the table is read from them (a
    million-row file's bytes need not stay in memory beside everything built from them).

    A large file is mapped into memory rather than copied: its bytes are checked where the operating
    system already holds them, and pandas reads it by its path (with two threads), both as long as
    it is unchanged. (A file cut short by another program while it is read ends the process: this
    is the command line's reading of the user's own file, not the app's upload.)"""
    try:
        with path.open("rb") as f:
            st = os.fstat(f.fileno())
            if st.st_size > limits.max_bytes:  # before reading it: the limit is on the bytes
                raise SurveyFileError(f"{path.name} is {size_text(st.st_size)}; the dashboard reads files of "
                                      f"at most {size_text(limits.max_bytes)}.")
            if st.st_size >= _MAP_FROM and S_ISREG(st.st_mode):
                # mapped in one call (MAP_POPULATE: no page fault per 4 KB page as it is read)
                data = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0),
                                 prot=mmap.PROT_READ)
            else:  # (read_table refuses one byte more than the limit: a pipe's size is not known ahead)
                data = f.read(limits.max_bytes + 1)
    except SurveyFileError:
        raise
    except (OSError, ValueError) as exc:  # (ValueError: mmap, of a file emptied since it was measured)
        raise SurveyFileError(f"{path} cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        raw = read_table(data, path.name, limits, on_disk=OnDisk(path, st))
    finally:
        if isinstance(data, mmap.mmap):
            with contextlib.suppress(BufferError):  # (a view still held elsewhere: unmapped when let go)
                data.close()
        del data
    return _read_survey(raw, path.name, framework, scale, targets)


_MAP_FROM = 1 << 20  # files of a megabyte and more are mapped rather than copied


def _read_survey(raw: RawTable, filename: str, framework: Framework, scale: str | Scale = "auto",
                 targets: TargetSet | None = None, overrides: dict[str, str] | None = None,
                 profiles: list[MappingProfile] | None = None) -> ImportResult:
    fmt = pick_format(raw)
    prepared = fmt.prepare(raw)
    file_kind = raw.kind_text
    del raw  # (the prepared frame is what is read from here on)
    frame = prepared.frame
    warnings = list(prepared.warnings)

    blank_mask = blank_rows(frame)
    blank = [int(r) for r in frame.index[blank_mask]]
    if blank:
        frame = frame.loc[~blank_mask]
    if blank:
        warnings.append(f"{len(blank)} empty row(s) skipped: {_row_list(blank)}.")
    if frame.empty and not prepared.dropped:
        raise SurveyFileError(
            f"{filename} has a header row but no responses below it. Export the survey again once people have answered."
        )

    profile = ""
    if overrides is None and profiles:
        found = find_profile(profiles, list(frame.columns), framework.id)
        if found:
            overrides, profile = dict(found.mapping), found.name
            warnings.append(f"The saved mapping profile {found.name!r} was applied to the columns.")
    mapping = map_columns(list(frame.columns), framework, hints=prepared.hints, overrides=overrides,
                          statements=prepared.statements)
    area_cols = {m.column: m.target for m in mapping if m.kind == AREA}
    ident = {m.target: m.column for m in mapping if m.kind == IDENTITY}

    if area_cols:
        layout = "wide"
        order = {a: i for i, a in enumerate(framework.area_ids)}
        area_cols = dict(sorted(area_cols.items(), key=lambda kv: order[kv[1]]))
        # each distinct answer is read once; its columns are encoded (by Arrow, which lets go of the
        # interpreter) on a second thread while this one reads who answered
        with ThreadPoolExecutor(1, thread_name_prefix="answers") as pool:
            encoding = pool.submit(Answers.of, [frame[c] for c in area_cols])
            people, repeated = _identity(frame, ident)
            answers = encoding.result()
        # from here on the rows are read from the answers and the people: the file's cells can go
        rows, rows_in_frame = frame.index.to_numpy(), len(frame)
        del frame
        prepared.frame = None
    elif "area_name" in ident and "rating" in ident:
        layout = "long"
        cells, people, pre_rejected = _long_cells(frame, ident, framework)
    else:
        raise SurveyFileError(no_area_sentence(filename, mapping, framework), mapping=mapping, filename=filename)

    if scale == "auto":
        counts = cells["raw"].value_counts() if layout == "long" else answers.value_counts()
        choice = detect_scale_counts(counts)
    else:
        choice = ScaleChoice(scale if isinstance(scale, Scale) else get_scale(scale), "chosen by the user")
    sc = choice.scale
    if choice.ambiguous:
        warnings.append(f"Scale: {choice.reason}.")
    tg = targets or default_targets()
    if layout == "wide":
        wide, cell_rejects, row_rejects, used = _wide(rows, area_cols, people, repeated, answers, sc, framework, tg)
        tidy = None
        status_counts = wide.status_counts()
        respondents = wide.respondents()
    else:
        wide = None
        tidy, cell_rejects, row_rejects, used = _long(cells, people, pre_rejected, sc, framework, tg)
        status_counts = tidy["status"].value_counts()
        respondents = int(tidy.loc[tidy["status"].eq(RATED), "respondent"].nunique())
    row_rejects += [(int(r), ROW, "", why) for r, why in prepared.dropped]
    rejected = pd.concat(
        [cell_rejects, pd.DataFrame(row_rejects, columns=REJECTED_COLUMNS)], ignore_index=True
    ).astype({"row": "int64", "column": "string", "value": "string", "reason": "string"})
    rejected = rejected.assign(_whole=rejected["column"].ne(ROW)).sort_values(["row", "_whole"], kind="stable")
    rejected = rejected.drop(columns="_whole").reset_index(drop=True)
    rejected_rows = set(rejected.loc[rejected["column"].eq(ROW), "row"].tolist())

    # an area is missing when nothing in the file names it, not when its answers were all unreadable
    present = set(area_cols.values()) if layout == "wide" else set(cells["area_id"].unique().tolist())
    missing_areas = [a.name for a in framework.areas if a.id not in present]
    if missing_areas:
        warnings.append(
            "No column for " + ", ".join(missing_areas) + "; "
            + ("it shows" if len(missing_areas) == 1 else "they show") + " as no data."
        )
    if layout == "wide":
        warnings += _columns_without_ratings(mapping, wide.rated_per_column(), cell_rejects, framework, sc)
    proposals = [m for m in mapping if m.kind == UNMAPPED and m.proposed in framework.area_ids]
    if proposals:
        maybe = "; ".join(f"{_short(m.column)} (column {m.letter}) may be {framework.area(m.proposed).name}"
                          for m in proposals[:5]) + ("; …" if len(proposals) > 5 else "")
        warnings.append(f"{len(proposals)} column(s) may hold a skill area, but the match is not sure enough to use "
                        f"without asking: {maybe}. Choose them in the mapping editor if they do.")
    unmapped = [m.column for m in mapping if m.kind == UNMAPPED and m.method != "survey metadata"]
    if unmapped:
        warnings.append(f"{len(unmapped)} column(s) not used: " + ", ".join(repr(c) for c in unmapped[:12])
                        + (" …" if len(unmapped) > 12 else "") + ".")
    report = ImportReport(
        filename=filename,
        file_kind=file_kind,
        source_format=prepared.source_format,
        layout=layout,
        scale_id=sc.id,
        scale_reason=choice.reason,
        rows_read=(rows_in_frame if layout == "wide" else len(frame)) + len(prepared.dropped),
        rows_used=used,
        rows_rejected=len(rejected_rows),
        blank_rows=len(blank),
        respondents=respondents,
        cells_rated=int(status_counts.get(RATED, 0)),
        cells_not_applicable=int(status_counts.get(NOT_APPLICABLE, 0)),
        cells_blank=int(status_counts.get(BLANK, 0)),
        cells_invalid=len(cell_rejects),
        mapping=mapping,
        rejected=rejected,
        warnings=warnings,
        missing_areas=missing_areas,
        profile=profile,
    )
    report.unusable = _nothing_usable(report, sc, framework)
    if report.unusable:
        report.warnings.append(report.unusable)
    return ImportResult(tidy, report, sc, framework, wide=wide)


def require_usable(result: ImportResult) -> ImportResult:
    """The result, or SurveyFileError (one sentence) when nothing usable was read: the command line
    treats a file without a single respondent's rating like any unusable input (exit status 2)."""
    if result.report.unusable:
        raise SurveyFileError(result.report.unusable)
    return result


# ------------------------------------------------------------------------------------------
# what a refusal says it found

_GENERIC = {"management", "systems", "information", "technology", "development", "professional"}


def closest_columns(mapping: list[ColumnMatch], framework: Framework, most: int = 2) -> list[ColumnMatch]:
    """The columns nearest to a skill area when none is one: proposals first, then headers most of whose
    words are distinctive words of an area's names ('Data', 'Leadership plan')."""
    proposals = sorted((m for m in mapping if m.kind == UNMAPPED and m.proposed in framework.area_ids),
                       key=lambda m: -m.confidence)
    if len(proposals) >= most:
        return proposals[:most]
    vocabulary = AreaMatcher(framework).vocabulary - _GENERIC
    scored = []
    for i, m in enumerate(mapping):
        if m.kind != UNMAPPED or m.proposed or m.method == "survey metadata":
            continue
        words = set(_content(_tokens(m.column)))
        shared = words & vocabulary
        if shared and len(shared) / len(words) >= 0.5:
            scored.append((-len(shared) / len(words), i, m))
    return proposals + [m for _, _, m in sorted(scored)[: most - len(proposals)]]


def no_area_sentence(filename: str, mapping: list[ColumnMatch], framework: Framework) -> str:
    """The refusal of a file none of whose columns is a skill area, saying what it has."""
    n = len(mapping)
    has = f"{filename} has {n:,} column{'s' if n != 1 else ''}"
    closest = closest_columns(mapping, framework)
    if closest:
        named = " and ".join(f"{_short(m.column)} (column {m.letter})" for m in closest)
        return (f"{has}, none of them a skill area of the {framework.name}; the closest "
                f"{'were' if len(closest) > 1 else 'was'} {named}. Map them on the Upload page or rename the columns.")
    shown = ", ".join(_short(m.column, 40) for m in mapping[:3]) + (", …" if n > 3 else "")
    return (f"{has} ({shown}), none of them a skill area of the {framework.name} and none close to one; name a "
            f"column after each skill area (such as {framework.areas[0].name!r}), use the long layout with 'Skill "
            "area' and 'Rating' columns, or map the columns on the Upload page.")


def _columns_without_ratings(mapping, rated: dict[str, int], cell_rejects, framework, sc: Scale) -> list[str]:
    """A warning for each skill-area column that was found but holds no rating on the scale (``rated``:
    the ratings read from each column, for the people kept)."""
    bad = cell_rejects.groupby("column")["value"].agg(list) if len(cell_rejects) else pd.Series(dtype=object)
    out = []
    for m in mapping:
        if m.kind != AREA or rated.get(m.column, 0):
            continue
        where = f"The column {_short(m.column)} (column {m.letter}) was read as {framework.area(m.target).name}, but"
        values = bad.get(m.column, [])
        if len(values):
            examples = ", ".join(repr(v) for v in list(dict.fromkeys(values))[:3])
            out.append(f"{where} none of its answers is a rating on the {sc.name} scale ({len(values)} listed as "
                       f"rejected, such as {examples}).")
        else:
            out.append(f"{where} it holds no rating: every answer is blank or N/A.")
    return out


def _nothing_usable(report: ImportReport, sc: Scale, framework: Framework) -> str:
    """One sentence when no respondent gave a rating (the commands exit 2 with it), else ""."""
    if report.respondents:
        return ""
    name, rows = report.filename, report.rows_read
    reasons = report.rejected.loc[report.rejected["column"].eq(ROW), "reason"].astype(str)
    dropped = reasons[reasons.str.contains("not a real response|unfinished", regex=True)]
    if rows and len(dropped) == rows:
        kinds = sorted({r.split(",")[0].split(" (")[0] for r in dropped})
        return (f"{name} has {rows:,} row{'s' if rows != 1 else ''} of answers, all left out as "
                f"{' or '.join(kinds)}s; nothing usable was read.")
    areas = [m for m in report.mapping if m.kind == AREA]
    cols = ", ".join(f"{_short(m.column, 40)} (column {m.letter})" for m in areas[:3]) + (", …" if len(areas) > 3 else "")
    where = f"the skill-area column{'s' if len(areas) != 1 else ''} {cols}" if areas else "the 'Rating' column"
    cells = report.rejected.loc[report.rejected["column"].ne(ROW), "value"].astype(str)
    if len(cells):
        examples = ", ".join(repr(v) for v in list(dict.fromkeys(cells))[:3])
        return (f"{name} has {rows:,} row{'s' if rows != 1 else ''} but not one rating on the {sc.name} scale: "
                f"{where} {'hold' if len(areas) > 1 else 'holds'} answers such as {examples}; nothing usable was read.")
    return (f"{name} has {rows:,} row{'s' if rows != 1 else ''} but not one rating: every answer in {where} is blank "
            "or N/A; nothing usable was read.")


def _short(text: str, most: int = 60) -> str:
    """A header quoted for a sentence, shortened."""
    text = " ".join(str(text).split())
    return repr(text if len(text) <= most else text[: most - 1] + "…")


def _row_list(rows: list[int], most: int = 10) -> str:
    text = ", ".join(str(r) for r in rows[:most])
    return ("row " if len(rows) == 1 else "rows ") + text + (f" and {len(rows) - most} more" if len(rows) > most else "")


def _identity(frame: pd.DataFrame, ident: dict[str, str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Identity columns of each source row, and the respondent key; and which rows share their key
    with another (by email or respondent ID: only those need their time stamps)."""

    def col(field: str) -> pd.Series:
        if field in ident:
            return _stripped(frame[ident[field]])
        return pd.Series("", index=frame.index, dtype="string")

    name = col("name")
    if "name" not in ident and ("first_name" in ident or "last_name" in ident):
        name = (col("first_name") + " " + col("last_name")).str.strip()
    email = col("email")
    lower = email.str.lower()
    valid_email = email.str.contains("@", regex=False) & ~lower.str.startswith("anonymous")
    key = "email:" + lower
    other = ~valid_email.to_numpy(dtype=bool)
    if other.any():  # a respondent ID, else the row: built only for the rows without an email
        rows = pd.Series(frame.index[other], index=frame.index[other]).astype("string")
        their_rid = col("respondent_id")[other]
        key[other] = ("id:" + their_rid).where(their_rid.ne(""), "row:" + rows)
    if key.is_unique:  # the usual case, found with one hash of each key
        repeated = np.zeros(len(key), dtype=bool)
    else:
        repeated = (key.duplicated(keep=False) & ~key.str.startswith("row:")).to_numpy(dtype=bool)
    stamp = pd.Series(np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]"), index=frame.index)
    if repeated.any():  # only needed to decide which of a person's responses is the latest
        stamp[repeated] = parse_timestamps(col("timestamp")[repeated])
    people = pd.DataFrame({
        "respondent": key, "name": name, "email": email, "role": col("role"), "group": col("group"),
        "timestamp": stamp, "has_email": valid_email,
    }, index=frame.index)
    return people, repeated


def _stripped(values: pd.Series) -> pd.Series:
    """Text without surrounding white space, "" for missing; the column itself when that changes nothing
    (a million names need not be copied to find them already clean)."""
    text = values.astype("string")
    if not _may_need_strip(text):  # (which also answers True for any missing value)
        return text
    return text.str.strip().fillna("")


# A string whose first and last bytes are printable ASCII other than a space has no white space to
# strip by any definition (Unicode's, Python's or Arrow's); every other string is stripped.
_PLAIN_EDGE = np.zeros(256, dtype=bool)
_PLAIN_EDGE[0x21:0x7F] = True


def _may_need_strip(text: pd.Series) -> bool:
    """Whether any value might start or end with white space, from its first and last bytes (Arrow's
    offsets, read as arrays: nothing decoded); True when the text is not Arrow-backed or a value is
    missing."""
    if not isinstance(text.array, pd.arrays.ArrowStringArray):
        return True
    arrow = pa.array(text.array)  # (the array's own Arrow data: nothing converted)
    for chunk in arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]:
        if chunk.type not in (pa.string(), pa.large_string()) or chunk.null_count:
            return True
        if not len(chunk):
            continue
        _, offsets, data = chunk.buffers()
        width = np.int64 if chunk.type == pa.large_string() else np.int32
        at = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        starts, ends = at[:-1], at[1:]
        filled = ends > starts
        if not filled.all():
            starts, ends = starts[filled], ends[filled]
        if not len(starts):
            continue
        byte = np.frombuffer(data, dtype=np.uint8)
        if not (_PLAIN_EDGE[byte[starts]].all() and _PLAIN_EDGE[byte[ends - 1]].all()):
            return True
    return False


_STAMP_FORMATS = [
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y", "%Y-%m-%d",
]


def parse_timestamps(text: pd.Series) -> pd.Series:
    """Timestamps as survey tools write them, US month-first (11/10 is later than 11/9).

    Vectorised: the format that reads the most values is used for all, and only what it cannot
    read goes through pandas' per-value "mixed" parser. Unreadable values are NaT.
    """
    text = text.astype("string").str.strip().replace("", pd.NA)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.notna()
    if not todo.any():
        return out
    sample = text[todo].head(200)
    best = max(_STAMP_FORMATS, key=lambda f: pd.to_datetime(sample, format=f, errors="coerce").notna().sum())
    out[todo] = pd.to_datetime(text[todo], format=best, errors="coerce").astype("datetime64[ns]")
    rest = todo & out.isna()
    if rest.any():
        mixed = pd.to_datetime(text[rest], format="mixed", errors="coerce", utc=True)  # zones become UTC
        out[rest] = mixed.dt.tz_localize(None).astype("datetime64[ns]")
    return out


def _wide(rows: np.ndarray, area_cols, people, repeated, answers: Answers, sc: Scale, framework: Framework,
          targets: TargetSet):
    """A column per skill area: parse each distinct answer once, decide rows, and keep the people and
    their answers as matrices (:class:`WideRatings`), from which the tidy frame is built when needed."""
    cols = list(area_cols)
    parsed = sc.parse_answers(answers)
    status = parsed.status[answers.codes]  # rows x columns, int8
    answered = ((status == _CODE[RATED]) | (status == _CODE[NOT_APPLICABLE])).any(axis=1)
    row_rejects = [(int(r), ROW, "", "no answer in any skill area (every answer blank or unreadable)")
                   for r in rows[~answered]]
    at = np.flatnonzero(answered)
    if repeated[at].any():  # some people answered more than once
        kept, superseded = _dedupe_people(people.iloc[at])
        row_rejects += superseded
        at = at[np.isin(rows[at], kept.index.to_numpy())]
    cell_rejects = []
    reasons = np.asarray(parsed.reasons, dtype=object)
    for j, c in enumerate(cols):
        bad = np.flatnonzero(status[:, j] == _CODE[INVALID])
        if len(bad):
            cell_rejects.append(pd.DataFrame({
                "row": rows[bad], "column": c, "value": answers.distinct[answers.codes[bad, j]].to_numpy(dtype=object),
                "reason": reasons[parsed.reason[answers.codes[bad, j]]],
            }))
    cell_rejects = pd.concat(cell_rejects, ignore_index=True) if cell_rejects else pd.DataFrame(columns=REJECTED_COLUMNS)

    everyone = len(at) == len(rows)  # (the usual file: no copy of the people and their answers)
    kept = people if everyone else people.iloc[at]
    codes = answers.codes if everyone else answers.codes[at]
    level = np.nan_to_num(parsed.rating, nan=0.0)
    small = np.int16 if all(-(2**15) <= v < 2**15 for v in sc.values) else np.int64
    # role, group and role profile: factorized once here (a handful of values over a million people),
    # and the factorizations kept for the publication
    factorized = {f: pd.factorize(kept[f].astype("string"), use_na_sentinel=False) for f in ("role", "group")}
    role_codes, role_texts = factorized["role"]
    ids_codes, ids = pd.factorize(np.asarray(targets.match_role_values(role_texts), dtype=object),
                                  use_na_sentinel=False)
    factorized["role_id"] = (ids_codes[role_codes], ids)
    role_id = pd.Series(pd.array(np.asarray(ids, dtype=object), dtype="string").take(factorized["role_id"][0]),
                        index=kept.index)
    wide = WideRatings(
        people=pd.DataFrame({f: kept[f] for f in ("respondent", "name", "email", "role", "group")}
                            | {"role_id": role_id}),
        factorized=factorized,
        columns=cols,
        area_pos=np.array([framework.area_ids.index(area_cols[c]) for c in cols], dtype=np.intp),
        area_ids=list(framework.area_ids),
        status=status if everyone else status[at],
        rating=level.astype(small)[codes],
        scale=sc,
    )
    return wide, cell_rejects, row_rejects, len(at)


@dataclass
class WideRatings:
    """A wide file's ratings as matrices: a row per person kept (in file order), a column per skill-area
    column (in framework order). :meth:`tidy` is the importer's tidy frame; the rest are what the
    import report and the publication need, read straight from the matrices."""

    people: pd.DataFrame  # index: source rows; respondent, name, email, role, group, role_id (text, stripped)
    columns: list[str]  # the file's skill-area columns, in framework order
    area_pos: np.ndarray  # each column's position in area_ids
    area_ids: list[str]  # the framework's areas
    status: np.ndarray  # people x columns: int8 codes into STATUSES
    rating: np.ndarray  # people x columns: the level where rated (status "rated"), else 0
    scale: Scale
    # people's role, group and role_id as pd.factorize gives them (a code per person, the distinct
    # values), found once at import; None (or not matching the people): found when needed
    factorized: dict[str, tuple[np.ndarray, np.ndarray]] | None = field(default=None, repr=False, compare=False)

    def status_counts(self) -> dict[str, int]:
        return {s: int(np.count_nonzero(self.status == i)) for i, s in enumerate(STATUSES)}

    def respondents(self) -> int:
        """People with at least one rating (each kept person is one respondent key)."""
        return int((self.status == _CODE[RATED]).any(axis=1).sum())

    def rated_per_column(self) -> dict[str, int]:
        rated = (self.status == _CODE[RATED]).sum(axis=0)
        return {c: int(n) for c, n in zip(self.columns, rated)}

    def tidy(self) -> pd.DataFrame:
        """One row per person x skill-area column (the module docstring's columns): integer takes and
        repeats of each person's values, text as categoricals of the distinct values."""
        n_people, n_areas = len(self.people), len(self.columns)
        out = {}
        for name in ("respondent", "name", "email", "role", "role_id", "group"):
            values = self.people[name].astype("string")
            if name == "respondent":  # one key per person: no factorizing needed
                codes, uniques = np.arange(n_people), values.array
            else:
                codes, uniques = pd.factorize(values, sort=False)
            codes = codes.astype(np.int32 if len(uniques) < 2**31 else np.int64)
            dtype = pd.CategoricalDtype(pd.Index(uniques, dtype="string"))
            out[name] = pd.Categorical.from_codes(np.repeat(codes, n_areas), dtype=dtype, validate=False)
        rated = self.status.ravel() == _CODE[RATED]
        small = np.int8 if max(n_areas, len(self.area_ids)) < 127 else np.int64
        out["area_id"] = pd.Categorical.from_codes(np.tile(self.area_pos.astype(small), n_people),
                                                   categories=self.area_ids)
        out["rating"] = pd.arrays.IntegerArray(self.rating.ravel().astype(np.int64), ~rated)
        out["status"] = pd.Categorical.from_codes(self.status.ravel(), categories=STATUSES)
        out["row"] = np.repeat(self.people.index.to_numpy(dtype="int64"), n_areas)
        out["column"] = pd.Categorical.from_codes(np.tile(np.arange(n_areas, dtype=small), n_people),
                                                  categories=self.columns)
        return pd.DataFrame({c: out[c] for c in TIDY_COLUMNS}, copy=False)

    def grid_parts(self) -> GridParts:
        """The publication's inputs (``framework.publication.build.Grid``'s fields), straight from the
        matrices: the same as ``grid_of(self.tidy(), framework, self.scale)``, without the tidy frame."""
        distinct = {}

        def clean(name: str, values: pd.Series) -> np.ndarray:
            """The distinct values cleaned, then an integer take; and the grid's factorization of the
            cleaned values (``Grid.distinct``), found from the few distinct values, not the rows."""
            column = name.removesuffix("_value")
            known = (self.factorized or {}).get(column)
            if known is not None and len(known[0]) == len(values):
                codes, uniques = known
            else:
                codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=False)
            cleaned = pd.Series(uniques, dtype="string").fillna("").str.strip().to_numpy(dtype=object)
            merged, kept = pd.factorize(cleaned, use_na_sentinel=False)  # ("A" and "A " are one value)
            distinct[name] = (merged[codes], np.asarray(kept, dtype=object))
            return cleaned[codes]

        from framework.publication.build import answer_matrix  # (the publication's layout)

        n_levels = len(self.scale.values)
        answers = answer_matrix(len(self.people), len(self.area_ids), n_levels)
        unrated = np.full(len(STATUSES), -1, dtype=answers.dtype)  # a status's answer unless rated
        unrated[_CODE[NOT_APPLICABLE]] = n_levels
        for j, a in enumerate(self.area_pos):  # a column at a time, in the matrix's small integers
            status = self.status[:, j]
            level = (self.rating[:, j] - self.scale.min).astype(answers.dtype)
            answers[:, a] = np.where(status == _CODE[RATED], level, unrated[status])
        return GridParts(pd.Index(self.people["respondent"].astype("string").array, dtype="string"),
                         clean("role_value", self.people["role"]), clean("group_value", self.people["group"]),
                         clean("role_id", self.people["role_id"]), answers, n_levels, distinct)


@dataclass(frozen=True)
class GridParts:
    """The fields of ``framework.publication.build.Grid``, in its order, for a wide file."""

    respondents: pd.Index  # respondent keys, one per person
    role_value: np.ndarray  # per person: the role text as written (stripped)
    group_value: np.ndarray
    role_id: np.ndarray  # per person: matched target profile id ("" none)
    answers: np.ndarray  # persons x areas: level index 0..L-1, L = N/A, -1 = no answer
    n_levels: int
    distinct: dict = field(default_factory=dict)  # Grid.distinct's factorizations, found already


def _long_cells(frame, ident, framework):
    people, _ = _identity(frame, ident)
    matcher = AreaMatcher(framework)
    area_text = frame[ident["area_name"]].astype("string")
    found = matcher.match_many(area_text)
    cells = pd.DataFrame({
        "row": frame.index.astype("int64"),
        "column": ident["rating"],
        "raw": frame[ident["rating"]].astype("string").to_numpy(),
        "area_id": found["area_id"].astype("string").to_numpy(),
    })
    unknown = found["area_id"].eq("").to_numpy()
    pre = [(int(r), ident["area_name"], str(v), "not a skill area of this framework")
           for r, v in zip(frame.index[unknown], area_text[unknown])]
    pre += [(int(r), ROW, "", "the skill area cannot be read (see the cell)") for r in frame.index[unknown]]
    no_person = people["respondent"].str.startswith("row:").to_numpy() & ~unknown
    pre += [(int(r), ROW, "", "no name, email or respondent ID to say whose rating this is")
            for r in frame.index[no_person]]
    keep = ~unknown & ~no_person
    return cells[keep].reset_index(drop=True), people, pre


def _dedupe_people(people: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple]]:
    """Wide layout: one response per person (by email or respondent ID); the latest timestamp wins,
    then the later row."""
    if not people["respondent"].duplicated().any():
        return people, []
    keyed = people[~people["respondent"].str.startswith("row:")]
    ordered = keyed.assign(_row=keyed.index).sort_values(["timestamp", "_row"], na_position="first", kind="stable")
    last = ordered.groupby("respondent", sort=False)["_row"].transform("last")
    losers = ordered[ordered["_row"].ne(last)]
    out = []
    for r, keeper, who in zip(losers.index, last[losers.index], losers["respondent"]):
        what = "email" if who.startswith("email:") else "respondent ID"
        out.append((int(r), ROW, "", f"superseded by a later response with the same {what} (row {int(keeper)})"))
    return people.drop(index=losers.index), out


def _dedupe_answers(cells: pd.DataFrame, people: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple]]:
    """Long layout: one answer per person and area; the latest timestamp wins, then the later row."""
    keyed = cells.join(people[["respondent", "timestamp"]], on="row")
    ordered = keyed.sort_values(["timestamp", "row"], na_position="first", kind="stable")
    last = ordered.groupby(["respondent", "area_id"], sort=False)["row"].transform("last")
    losers = ordered[ordered["row"].ne(last)]
    out = [(int(r), ROW, "", f"superseded by a later answer for the same person and skill area (row {int(k)})")
           for r, k in zip(losers["row"], last[losers.index])]
    return cells.drop(index=losers.index), out


def _long(cells, people, pre_rejected, sc: Scale, framework: Framework, targets: TargetSet):
    """A row per person and area: each row is one answer. Readable ratings and N/A are used;
    blank and unreadable ones are rejected; a later answer for the same person and area wins."""
    parsed = sc.parse(cells["raw"])
    cells = pd.concat([cells, parsed], axis=1)
    invalid = cells[cells["status"].eq(INVALID)]
    cell_rejects = pd.DataFrame({
        "row": invalid["row"], "column": invalid["column"], "value": invalid["raw"], "reason": invalid["reason"],
    })
    status = cells.set_index("row")["status"]
    row_rejects = list(pre_rejected)
    row_rejects += [(int(r), ROW, "", "the rating cannot be read (see the cell)") for r in status.index[status.eq(INVALID)]]
    row_rejects += [(int(r), ROW, "", "the rating is blank") for r in status.index[status.eq(BLANK)]]
    ok = cells[cells["status"].isin([RATED, NOT_APPLICABLE])]
    ok, superseded = _dedupe_answers(ok, people)
    row_rejects += superseded
    used = int(ok["row"].nunique())

    meta = people.drop(columns=["timestamp", "has_email"])
    tidy = ok.drop(columns=["raw", "reason"]).join(meta, on="row")
    persons = tidy.groupby("respondent", sort=False).agg(
        name=("name", _first_filled), email=("email", _first_filled),
        role=("role", _first_filled), group=("group", _first_filled), row=("row", "min"),
    )
    present = set(tidy["area_id"].unique().tolist())
    areas = [a for a in framework.area_ids if a in present]
    persons.index = persons.index.astype("string")  # one key type for the grid, the merge and the join
    grid = pd.MultiIndex.from_product([persons.index, areas], names=["respondent", "area_id"]).to_frame(index=False)
    grid["respondent"] = grid["respondent"].astype("string")
    tidy = tidy.assign(respondent=tidy["respondent"].astype("string"))
    tidy = grid.merge(tidy.drop(columns=["name", "email", "role", "group"]), on=["respondent", "area_id"], how="left")
    for col in ("name", "email", "role", "group"):  # (a join of two empty Arrow columns fails in pandas)
        tidy[col] = tidy["respondent"].map(persons[col]) if len(persons) else pd.Series([], dtype="string")
    tidy["row"] = tidy["row"].fillna(tidy["respondent"].map(persons["row"])).astype("int64")
    tidy["status"] = pd.Categorical(tidy["status"].astype("object").fillna(BLANK), categories=STATUSES)
    tidy["column"] = tidy["column"].fillna("")
    tidy["role_id"] = targets.match_roles(tidy["role"])
    order = {a: i for i, a in enumerate(framework.area_ids)}
    tidy = tidy.assign(_o=tidy["area_id"].map(order)).sort_values(["row", "_o"], kind="stable")
    tidy = tidy[TIDY_COLUMNS].reset_index(drop=True)
    tidy["area_id"] = pd.Categorical(tidy["area_id"].astype("string"), categories=framework.area_ids)
    for col in ("respondent", "name", "email", "role", "role_id", "group", "column"):
        tidy[col] = tidy[col].astype("string").fillna("").astype("category")
    tidy["rating"] = tidy["rating"].astype("Int64")
    return tidy, cell_rejects, row_rejects, used


def _first_filled(s: pd.Series) -> str:
    filled = s[s.ne("")]
    return filled.iloc[0] if len(filled) else ""


__all__ = ["ImportReport", "ImportResult", "RawTable", "SurveyFileError", "read_survey", "require_usable"]
