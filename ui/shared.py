"""The UI edge shared by the pages: session state, cached loading, and small rendering helpers.

Only this module and the page scripts import streamlit; everything they compute comes from
``framework``. Caching lives here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from framework import state
from framework.access import LOCAL, UPLOAD, VIEW_NAMED, Viewer
from framework.aggregate import (
    DEFAULT_MIN_GROUP_SIZE,
    area_summary,
    category_summary,
    group_summary,
    overall_mean,
    respondent_count,
)
from framework.combine import Combined, ScaleMismatchError, combine, rescale
from framework.definitions import DEFAULT_FRAMEWORK_ID, Framework, builtin_frameworks, get_framework
from framework.gaps import Matrix, person_matrix, screenful
from framework.importer import ImportResult, SurveyFileError, read_survey
from framework.importer.core import TIDY_COLUMNS
from framework.mapping import MappingProfile
from framework.narrative import md_escape
from framework.privacy import DIMENSIONS, Filters, anonymous_view, apply_filters, named_options
from framework.publication import Population, Publication, RoundInput, publish, publish_rounds
from framework.sample import SAMPLE_PATH
from framework.scales import Scale, default_scale, get_scale
from framework.store import Round, StoreError
from framework.targets import TargetSet, default_targets
from ui.store import get_store

SOURCE_SAMPLE, SOURCE_UPLOAD, SOURCE_ROUND, SOURCE_LIVE = "sample", "upload", "round:", "live:"
K_SOURCE, K_FRAMEWORK, K_MIN_GROUP, K_UPLOAD, K_SCALE = "source", "framework_id", "min_group_size", "upload", "scale"
K_NAMED, K_WEIGHTED, K_ROUND = "named_view", "weighted", "round"
CUSTOM = "custom:"  # framework choices stored in the database: "custom:<content digest>"


def md(text: str) -> str:
    """Any text built from the data (names, roles, schools, labels) made safe to show as Markdown."""
    return md_escape(str(text))


@st.cache_data(show_spinner=False, max_entries=4)
def sample_bytes() -> bytes:
    return SAMPLE_PATH.read_bytes()


# ---- the district's shared state (in the store; every server reads its version at each run) ----------
def state_key() -> tuple:
    """Changes whenever an admin on any server changes targets, mapping profiles, frameworks or access."""
    store = get_store(quiet=True)
    if store is None:
        return ("no store",)
    try:
        return state.version(store)
    except StoreError:
        return ("no store",)


@st.cache_data(show_spinner=False, max_entries=8)
def _profiles(key: tuple) -> list[MappingProfile]:
    store = get_store(quiet=True)
    return state.profiles(store) if store is not None else []


def mapping_profiles() -> list[MappingProfile]:
    return _profiles(state_key())


def profiles_key() -> tuple:
    return state_key()


@st.cache_data(show_spinner="Reading the survey…", max_entries=16, hash_funcs={Framework: lambda f: f.model_dump_json()})
def load_survey(data: bytes, filename: str, framework: Framework, scale: str, overrides: tuple | None = None,
                profiles: tuple = ()) -> ImportResult:
    """Import once per (file, framework, scale, mapping); a SurveyFileError is raised again on each call."""
    return read_survey(data, filename, framework, scale=scale, targets=default_targets(),
                       overrides=dict(overrides) if overrides is not None else None, profiles=mapping_profiles())


def upload_results(upload: dict, framework: Framework) -> Combined:
    """The session's uploaded files read and combined (raises SurveyFileError or ScaleMismatchError)."""
    key = profiles_key()
    results = [
        load_survey(f["bytes"], f["name"], framework, upload["scale"],
                    tuple(sorted(f["overrides"].items())) if f.get("overrides") is not None else None, key)
        for f in upload["files"]
    ]
    rescale_to = get_scale(upload["rescale_to"]) if upload.get("rescale_to") else None
    return combine(results, rescale_to)


def targets_key() -> tuple:
    return state_key()


@st.cache_data(show_spinner=False, max_entries=8)
def _targets(key: tuple) -> TargetSet:
    store = get_store(quiet=True)
    return state.targets(store) if store is not None else default_targets()


def targets() -> TargetSet:
    """The district's targets: saved in the store by an admin, else the defaults."""
    return _targets(targets_key())


@st.cache_data(show_spinner=False, max_entries=8)
def _custom_frameworks(key: tuple) -> dict[str, Framework]:
    store = get_store(quiet=True)
    return state.frameworks(store) if store is not None else {}


def framework_choices() -> dict[str, Framework]:
    """The built-in frameworks, then the district's custom ones (by content, so reusing an id never
    mixes two definitions)."""
    out = dict(builtin_frameworks())
    out |= {CUSTOM + digest: fw for digest, fw in _custom_frameworks(state_key()).items()}
    return out


def resolve_framework(choice: str) -> Framework:
    return framework_choices().get(choice) or get_framework(DEFAULT_FRAMEWORK_ID)


def district_k() -> int:
    """The minimum group size everyone but an admin sees (an admin sets it on the Targets page)."""
    store = get_store(quiet=True)
    if store is None:
        return DEFAULT_MIN_GROUP_SIZE
    try:
        return state.district_k(store)
    except StoreError:
        return DEFAULT_MIN_GROUP_SIZE


def my_pages(viewer: Viewer) -> set[str]:
    """The person's own pages beyond My results: "assessment" when a round they are invited to is open,
    "supervise" when they supervise someone in an open round that asks supervisors."""
    from framework import campaigns

    store = get_store(quiet=True)
    if store is None or not viewer.email:
        return set()
    try:
        out = {"assessment"} if campaigns.invited_to(store, viewer.email) else set()
        if campaigns.supervisees(store, viewer.email):
            out.add("supervise")
    except StoreError:
        return set()
    return out


# ---- stored rounds as data sets ---------------------------------------------------------------------
def stored_rounds() -> list[Round]:
    store = get_store(quiet=True)
    if store is None:
        return []
    try:
        return store.list_rounds()
    except StoreError:
        return []


def data_sources(viewer: Viewer) -> dict[str, str]:
    """What this viewer may look at: the sample (admins), the session's upload (admins), saved rounds
    (newest first)."""
    out = {}
    if viewer.mode == LOCAL or viewer.can(UPLOAD):
        out[SOURCE_SAMPLE] = "Sample district"
        upload = st.session_state.get(K_UPLOAD)
        if viewer.can(UPLOAD) and upload and upload.get("ok"):
            out[SOURCE_UPLOAD] = "Uploaded: " + ", ".join(f["name"] for f in upload["files"])
    if viewer.can(UPLOAD):  # a round still open: admins only (figures that change as answers arrive)
        for c in live_rounds():
            out[f"{SOURCE_LIVE}{c.id}"] = f"Live: {c.label} (open)"
    for r in reversed(stored_rounds()):
        out[f"{SOURCE_ROUND}{r.id}"] = f"Saved round: {r.title}"
    return out


def live_rounds() -> list:
    from framework import campaigns

    store = get_store(quiet=True)
    if store is None:
        return []
    try:
        return [c for c in campaigns.list_campaigns(store) if c.status == campaigns.OPEN]
    except StoreError:
        return []


# An open round's submitted answers, read once per revision of the round (framework.campaigns raises it with every
# submission, submission taken back, invitation or change of status; live_rounds reads it at every run): a new
# submission shows at the next run, and a rerun that changes only a widget reads nothing. The revision is read
# before the answers, so an entry may hold answers newer than its revision (never older); the next run reads the
# newer revision and loads again.
@st.cache_resource(show_spinner="Reading the answers submitted so far…", max_entries=4)
def _live_ratings(cid: int, revision: int, source: str, _targets: TargetSet, targets_id: tuple
                  ) -> tuple[pd.DataFrame, str]:
    """The submitted answers as a tidy frame with the roles' target profiles, and the digest of its content (every
    cell hashed at once by pandas) that keys what is computed from it."""
    from framework import campaigns

    tidy = _with_roles(campaigns.live_ratings(get_store(quiet=True), cid, source), _targets)
    return tidy, hashlib.sha256(pd.util.hash_pandas_object(tidy, index=True).to_numpy().tobytes()).hexdigest()


def _rounds_signature(rounds: list[Round]) -> tuple:
    return tuple((r.id, r.saved_at.isoformat(), r.scale_id) for r in rounds)


# A resource, not data: a round of a million ratings is not copied at every run (nothing modifies it).
@st.cache_resource(show_spinner="Loading the saved round…", max_entries=8)
def _round_ratings(signature: tuple, round_id: int) -> pd.DataFrame:
    store = get_store(quiet=True)
    return store.load_ratings(round_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _round_with_roles(signature: tuple, round_id: int, _targets: TargetSet, targets_id: tuple) -> pd.DataFrame:
    """A saved round's ratings with the roles' target profiles, once per (stored rounds, targets)."""
    return _with_roles(_round_ratings(signature, round_id), _targets)


@st.cache_resource(show_spinner="Checking what the saved rounds can show together…", max_entries=8)
def _series(signature: tuple, _fw: Framework, fw_digest: str, _targets: TargetSet, targets_id: tuple, scale_id: str,
            k: int):
    """Every stored round published and audited together, on the scale of the round being shown."""
    rounds = [r for r in stored_rounds() if (r.id, r.saved_at.isoformat(), r.scale_id) in set(signature)]
    scale = get_scale(scale_id)
    inputs = []
    for r in rounds:
        own = get_scale(r.scale_id)
        tidy = _with_roles(_round_ratings(signature, r.id), _targets)
        inputs.append(RoundInput(r.label, rescale(tidy, own, scale) if own.id != scale.id else tidy,
                                 own_ratings=tidy, own_scale=own))
    return [r.id for r in rounds], publish_rounds(inputs, _fw, scale, _targets, k)


def round_ratings(round_id: int) -> pd.DataFrame:
    """One saved round's tidy ratings (cached by the stored rounds' signature)."""
    return _round_ratings(_rounds_signature(stored_rounds()), round_id)


def round_series(fw: Framework, scale_id: str, k: int, round_id: int) -> Publication | None:
    """The audited publication of one saved round (audited with every saved round), on its own framework."""
    rounds = stored_rounds()
    signature = _rounds_signature(rounds)
    ids, series = _series(signature, fw, framework_digest(fw), targets(), targets_key(), scale_id, k)
    return series.rounds[ids.index(round_id)] if round_id in ids else None


@st.cache_data(show_spinner="Checking what the saved rounds can show together…", max_entries=16)
def _trend(signature: tuple, _fw: Framework, fw_digest: str, _targets: TargetSet, targets_id: tuple, k: int | None,
           rescale_to: str | None, round_ids: tuple[int, ...]) -> pd.DataFrame:
    from framework.trends import trend_summary

    return trend_summary(get_store(quiet=True), _fw, targets=_targets, min_group_size=k, rescale_to=rescale_to,
                         round_ids=list(round_ids))


def trend(fw: Framework, targets_: TargetSet, k: int | None, rescale_to: str | None, round_ids) -> pd.DataFrame:
    """framework.trends.trend_summary of the stored rounds, once per (stored rounds, framework, targets, k, scale,
    chosen rounds): every round is loaded and audited together, which a rerun need not do again. A
    ScaleMismatchError or StoreError is raised again at each call."""
    rounds = tuple((r.id, r.label, r.survey_date.isoformat(), r.saved_at.isoformat(), r.scale_id, r.framework_id,
                    r.framework_version) for r in stored_rounds())  # a renamed round's label is in the trend
    return _trend(rounds, fw, framework_digest(fw), targets_, targets_key(), k, rescale_to, tuple(round_ids))


@st.cache_resource(show_spinner=False, max_entries=16)
def _trend_chart(kind: str, key: tuple, _trend: pd.DataFrame):
    from framework.trend_figures import compare_radar_figure, trend_figure

    return {"lines": trend_figure, "radar": compare_radar_figure}[kind](_trend)


def trend_chart(kind: str, frame: pd.DataFrame):
    """The trend's figure ("lines": framework.trend_figures.trend_figure; "radar": compare_radar_figure), drawn
    once per trend (a dozen small multiples take a plotly figure a third of a second to lay out). Never modified:
    st.plotly_chart reads a copy."""
    content = hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()).hexdigest()
    return _trend_chart(kind, (content, tuple(frame.columns), repr(sorted(frame.attrs.items()))), frame)


def _with_roles(tidy: pd.DataFrame, targets_: TargetSet) -> pd.DataFrame:
    """Stored rounds keep the role as written; its target profile is matched again (as the importer does)."""
    return tidy.assign(role_id=targets_.match_roles(tidy["role"].astype("string")).astype("category"))


def framework_digest(framework: Framework) -> str:
    """Caches are keyed by a framework's content, never by its id or title (a custom framework may reuse them)."""
    return hashlib.sha256(framework.model_dump_json().encode()).hexdigest()


@st.cache_resource(show_spinner="Checking what can be shown anonymously…", max_entries=16)
def _publication(_ratings: pd.DataFrame, key: tuple, _fw: Framework, fw_digest: str, _targets: TargetSet,
                 targets_id: tuple, scale_id: str, k: int) -> Publication:
    """One audited publication per (data, framework, targets, scale, k), shared by every page and session
    that shows the same data (it is never modified)."""
    return publish(_ratings, _fw, get_scale(scale_id), _targets, k)


@st.cache_data(show_spinner=False, max_entries=64)
def _named_areas(_view: pd.DataFrame, _fw: Framework, _targets: TargetSet, key: tuple) -> pd.DataFrame:
    return area_summary(_view, _fw, get_scale(key[-1]), _targets)


# The named view's figures, once per data set, filters, framework, targets and scale (the key): a rerun that
# only changes a widget selects and draws. Resources, not data: never pickled, never changed by a page.
@st.cache_resource(show_spinner="Arranging everyone's ratings…", max_entries=16)
def _named_people(_view: pd.DataFrame, _fw: Framework, _targets: TargetSet, key: tuple, sort: str) -> Matrix:
    return person_matrix(_view, _fw, get_scale(key[-1]), _targets, sort=sort)


@st.cache_resource(show_spinner=False, max_entries=16)
def _named_breakdown(_view: pd.DataFrame, _fw: Framework, _targets: TargetSet, key: tuple, by: str) -> pd.DataFrame:
    return group_summary(_view, _fw, get_scale(key[-1]), _targets, by=by)


@st.cache_resource(show_spinner=False, max_entries=16)
def _named_screenful(_view: pd.DataFrame, _fw: Framework, _targets: TargetSet, key: tuple, by: str,
                     max_rows: int) -> tuple[pd.DataFrame, str]:
    tidy, note = screenful(_view, by, max_rows)
    return group_summary(tidy, _fw, get_scale(key[-1]), _targets, by=by), note


def init_state(viewer: Viewer | None = None) -> None:
    st.session_state.setdefault(K_SOURCE, SOURCE_SAMPLE)
    st.session_state.setdefault(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID)
    st.session_state.setdefault(K_MIN_GROUP, DEFAULT_MIN_GROUP_SIZE)
    st.session_state.setdefault(K_SCALE, "auto")
    st.session_state.setdefault(K_NAMED, False)
    st.session_state.setdefault(K_WEIGHTED, False)
    for by in DIMENSIONS:
        st.session_state.setdefault(f"filter_{by}", [])
    if viewer is not None and not viewer.can(VIEW_NAMED):
        # decided on the server at every run: never the named view, and the district's k
        st.session_state[K_NAMED] = False
        st.session_state[K_MIN_GROUP] = district_k()


@dataclass
class Dataset:
    """What every page shows: the data, the privacy mode and the filters, all decided once."""

    data: Combined
    label: str  # "Sample district" or the uploaded file names
    key: tuple  # identifies the data for caching derived frames
    min_group_size: int  # the configured k (shown in captions even in the named view)
    named: bool
    targets: TargetSet
    filters: Filters = field(default_factory=Filters)
    problem: str = ""  # why there is no data to show (a framework the data was not made for)
    series_publication: Publication | None = None  # a saved round: its publication audited with every round
    rated_by: str = ""  # "" = self-ratings; else whose ratings they are (a round whose admin chose supervisors')
    raters_note: str = ""  # what every chart says about whose ratings it shows, where a round asked supervisors

    @property
    def k(self) -> int | None:
        """The k that suppression applies: None in the named view."""
        return None if self.named else self.min_group_size

    @property
    def ratings(self) -> pd.DataFrame:
        return self.data.ratings

    @property
    def framework(self) -> Framework:
        return self.data.framework

    @property
    def scale(self) -> Scale:
        return self.data.scale

    @property
    def publication(self) -> Publication:
        """The audited anonymous publication of this data set (at the configured k, whatever the view:
        the board report and the exports use it in the named view too). A saved round's comes from the
        publication of every saved round together."""
        if self.series_publication is not None:
            return self.series_publication
        return _publication(self.ratings, self.key, self.framework, framework_digest(self.framework), self.targets,
                            targets_key(), self.scale.id, self.min_group_size)

    @property
    def population(self) -> Population:
        """Anonymous view: the publication's population the sidebar filter shows (the team when none)."""
        return anonymous_view(self.publication, self.filters)[0]

    @property
    def filter_problem(self) -> str:
        if self.named:
            return ""
        return anonymous_view(self.publication, self.filters)[1]

    @property
    def view(self) -> pd.DataFrame:
        """Named view only: the filtered people's ratings (anonymous pages read the publication)."""
        if not self.named:
            raise RuntimeError("the anonymous view reads its figures from the publication only")
        return apply_filters(self.ratings, self.filters)

    @property
    def filtered(self) -> bool:
        return bool(self.filters.active) and not self.filter_problem

    @property
    def respondents(self) -> int:
        if self.named:
            return respondent_count(self.view)
        return self.population.people

    @property
    def cache_key(self) -> tuple:
        return (self.key, self.named, self.min_group_size, self.filters, targets_key(),
                framework_digest(self.framework), self.scale.id)

    def filter_options(self) -> dict[str, list[str]]:
        if self.named:
            return named_options(self.ratings)
        return self.publication.filter_options()

    def areas(self) -> pd.DataFrame:
        """One row per skill area of the view: the publication's in the anonymous view, everyone's in the named."""
        if self.named:
            return _named_areas(self.view, self.framework, self.targets, self.cache_key)
        return self.publication.areas(self.population)

    def breakdown(self, by: str) -> pd.DataFrame:
        """Rows of the view by role or by school or department (index (by, area_id))."""
        if self.named:
            return _named_breakdown(self.view, self.framework, self.targets, self.cache_key, by)
        return self.publication.breakdown(self.population, by)

    def people(self, sort: str = "gap") -> Matrix:
        """Named view only: one row per person (:func:`framework.gaps.person_matrix`), computed once per data set."""
        return _named_people(self.view, self.framework, self.targets, self.cache_key, sort)

    def named_groups(self, by: str, max_rows: int) -> tuple[pd.DataFrame, str]:
        """Named view only: rows by role or school, the smallest pooled past a screenful, and the note saying so."""
        return _named_screenful(self.view, self.framework, self.targets, self.cache_key, by, max_rows)

    def categories(self) -> pd.DataFrame:
        return category_summary(self.areas(), self.framework)

    def overall(self, weighted: bool = False) -> dict:
        return overall_mean(self.areas(), weighted)

    def notes(self) -> list[str]:
        """What the anonymous view withholds, and why, in plain words (none in the named view)."""
        return [] if self.named else list(self.publication.notes)

    def mode_text(self) -> str:
        if self.named:
            return "Named view (no suppression)"
        return f"Anonymous view, minimum group size {self.min_group_size}"

    def caption(self, n: int, extra: str = "") -> str:
        who = f"{n} {'respondent' if n == 1 else 'respondents'}"
        scope = "" if not self.filtered else f" ({md(self.filters.describe())})"
        privacy = ("Named view: individual ratings are visible." if self.named else
                   f"Anonymous view: results resting on fewer than {self.min_group_size} people are hidden.")
        raters = f" {self.raters_note}" if self.raters_note else ""
        return f"Based on {who}{scope}.{raters} {privacy} {extra}".strip()


def show_notes(data: Dataset, title: str, only: str | None = None) -> None:
    """The publication's notes on what is withheld and why, as plain text (never Markdown: they quote
    the file's role and school names). ``only`` keeps the notes that mention it (a skill area)."""
    notes = [n for n in data.notes() if only is None or only in n]
    if not notes:
        return
    with st.expander(title, icon=":material/visibility_off:"):
        for note in notes:
            st.text(note)


def bound(widget, label: str, key: str, **kwargs):
    """A sidebar widget bound to a plain session-state key.

    The widget has its own key ("w_" + key) and copies its value to ``key`` when it changes; before
    each render it is set from ``key``. Pages and callbacks read and write ``key``, which Streamlit
    never cleans up, so the choice survives page switches whatever is drawn.
    """
    wkey = f"w_{key}"
    st.session_state[wkey] = st.session_state.get(key)

    def copy() -> None:
        st.session_state[key] = st.session_state[wkey]

    return widget(label, key=wkey, on_change=copy, **kwargs)


def current_filters() -> Filters:
    return Filters(**{by: tuple(st.session_state.get(f"filter_{by}", [])) for by in DIMENSIONS})


def _raters_of(c) -> dict:
    """Whose ratings a round run in the dashboard shows, for every chart's caption and the board report."""
    from framework.board import SUPERVISORS_RATINGS
    from framework.campaigns import SUPERVISOR

    if c is None or not c.supervisor_ratings:
        return {}
    if c.anonymous_source == SUPERVISOR:
        return {"rated_by": SUPERVISORS_RATINGS, "raters_note": f"Ratings: {SUPERVISORS_RATINGS}."}
    return {"raters_note": "Ratings: self-ratings (supervisors' ratings are not used here)."}


def _raters(round_id: int) -> dict:
    from framework import campaigns

    store = get_store(quiet=True)
    try:
        return _raters_of(campaigns.for_round(store, round_id)) if store is not None else {}
    except StoreError:
        return {}


def current_dataset() -> Dataset:
    """The data the pages show: the chosen saved round, the session's upload, or the sample district."""
    from ui.auth import viewer as current_viewer

    v = current_viewer()
    fw = resolve_framework(st.session_state.get(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID))
    k = int(st.session_state.get(K_MIN_GROUP, DEFAULT_MIN_GROUP_SIZE)) if v.can(VIEW_NAMED) else district_k()
    named = bool(st.session_state.get(K_NAMED, False)) and v.can(VIEW_NAMED)
    tg = targets()
    common = dict(min_group_size=k, named=named, targets=tg, filters=current_filters())
    source = st.session_state.get(K_SOURCE) or ""
    empty = Combined(pd.DataFrame({c: pd.Series(dtype="string") for c in TIDY_COLUMNS}).astype(
        {"rating": "Int64", "row": "int64"}), default_scale(), fw, [])
    if source.startswith(SOURCE_ROUND):
        rounds = stored_rounds()
        chosen = next((r for r in rounds if f"{SOURCE_ROUND}{r.id}" == source), None)
        if chosen is None:
            return Dataset(empty, "No saved round", ("no round",), **common,
                           problem="That survey round is no longer stored. Choose another data source.")
        signature = _rounds_signature(rounds)
        ratings = _round_with_roles(signature, chosen.id, tg, targets_key())
        data = Combined(ratings, get_scale(chosen.scale_id), fw, [])
        key = ("round", chosen.id, chosen.saved_at.isoformat(), framework_digest(fw))
        ids, series = _series(signature, fw, framework_digest(fw), tg, targets_key(), chosen.scale_id, k)
        return Dataset(data, chosen.title, key, **common, series_publication=series.rounds[ids.index(chosen.id)],
                       **_raters(chosen.id))
    if source.startswith(SOURCE_LIVE) and v.can(UPLOAD):
        live = next((c for c in live_rounds() if f"{SOURCE_LIVE}{c.id}" == source), None)
        if live is None:
            return Dataset(empty, "No open round", ("no round",), **common,
                           problem="That survey round is not open any more. Choose another data source.")
        tidy, content = _live_ratings(live.id, live.revision, live.anonymous_source, tg, targets_key())
        if tidy["respondent"].nunique() == 0:
            return Dataset(empty, live.label, ("live-empty", live.id), **common,
                           problem=f"Nobody has submitted answers to {live.label} yet.")
        data = Combined(tidy, live.scale, live.framework, [])
        key = ("live", live.id, content, framework_digest(live.framework))
        return Dataset(data, f"{live.label} (open: answers submitted so far)", key, **common,
                       **_raters_of(live))
    if source != SOURCE_UPLOAD and source != SOURCE_SAMPLE:
        return Dataset(empty, "No data", ("none",), **common,
                       problem="No survey round has been saved yet. Your district's administrator saves one after "
                               "the survey closes.")
    upload = st.session_state.get(K_UPLOAD)
    if source == SOURCE_UPLOAD and upload and upload.get("ok") and v.can(UPLOAD):
        try:
            data = upload_results(upload, fw)
        except (SurveyFileError, ScaleMismatchError):  # e.g. the framework changed and a file no longer fits
            pass
        else:
            files = tuple((f["digest"], tuple(sorted((f.get("overrides") or {}).items()))) for f in upload["files"])
            key = (files, framework_digest(fw), upload["scale"], upload.get("rescale_to"), profiles_key())
            return Dataset(data, data.label, key, **common)
    try:
        result = load_survey(sample_bytes(), SAMPLE_PATH.name, fw, "auto")
    except SurveyFileError as exc:  # a custom framework the sample was not made for
        return Dataset(empty, "Sample district", ("empty", framework_digest(fw)), **common,
                       problem=f"{exc} Upload a survey made for this framework, or choose another framework.")
    return Dataset(combine([result]), "Sample district", ("sample", framework_digest(fw)), **common)


def page_dataset() -> Dataset:
    """current_dataset() for the team pages: a data set that does not fit stops the page with the reason."""
    data = current_dataset()
    if data.problem:
        st.error(md(data.problem))
        st.stop()
    return data
