"""The UI edge shared by the pages: session state, cached loading, and small rendering helpers.

Only this module and the page scripts import streamlit; everything they compute comes from
``framework``. Caching lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from framework.aggregate import DEFAULT_MIN_GROUP_SIZE, area_summary, respondent_count
from framework.combine import Combined, ScaleMismatchError, combine
from framework.definitions import DEFAULT_FRAMEWORK_ID, Framework, builtin_frameworks, get_framework
from framework.importer import ImportResult, SurveyFileError, read_survey
from framework.mapping import MappingProfile, load_profiles, profiles_dir
from framework.sample import SAMPLE_PATH
from framework.scales import Scale, get_scale
from framework.targets import TargetSet, default_targets

SOURCE_SAMPLE, SOURCE_UPLOAD = "sample", "upload"
K_SOURCE, K_FRAMEWORK, K_MIN_GROUP, K_UPLOAD, K_SCALE = "source", "framework_id", "min_group_size", "upload", "scale"


@st.cache_data(show_spinner=False, max_entries=4)
def sample_bytes() -> bytes:
    return SAMPLE_PATH.read_bytes()


def profiles_key() -> tuple:
    """Changes whenever a mapping profile is saved or deleted (file names and modification times)."""
    d = profiles_dir()
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in d.glob("*.json"))) if d.is_dir() else ()


@st.cache_data(show_spinner=False, max_entries=4)
def mapping_profiles(key: tuple) -> tuple[list[MappingProfile], list[str]]:
    return load_profiles()


@st.cache_data(show_spinner="Reading the survey…", max_entries=16)
def load_survey(data: bytes, filename: str, framework_id: str, scale: str, overrides: tuple | None = None,
                profiles: tuple = ()) -> ImportResult:
    """Import once per (file, framework, scale, mapping); a SurveyFileError is raised again on each call."""
    found, _ = mapping_profiles(profiles)
    return read_survey(data, filename, get_framework(framework_id), scale=scale, targets=default_targets(),
                       overrides=dict(overrides) if overrides is not None else None, profiles=found)


def upload_results(upload: dict, framework_id: str) -> Combined:
    """The session's uploaded files read and combined (raises SurveyFileError or ScaleMismatchError)."""
    key = profiles_key()
    results = [
        load_survey(f["bytes"], f["name"], framework_id, upload["scale"],
                    tuple(sorted(f["overrides"].items())) if f.get("overrides") is not None else None, key)
        for f in upload["files"]
    ]
    rescale_to = get_scale(upload["rescale_to"]) if upload.get("rescale_to") else None
    return combine(results, rescale_to)


@st.cache_data(show_spinner=False, max_entries=32)
def summarize_areas(_ratings: pd.DataFrame, key: tuple, framework_id: str, scale_id: str, min_group_size: int) -> pd.DataFrame:
    return area_summary(_ratings, get_framework(framework_id), get_scale(scale_id), default_targets(), min_group_size)


def init_state() -> None:
    st.session_state.setdefault(K_SOURCE, SOURCE_SAMPLE)
    st.session_state.setdefault(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID)
    st.session_state.setdefault(K_MIN_GROUP, DEFAULT_MIN_GROUP_SIZE)
    st.session_state.setdefault(K_SCALE, "auto")


@dataclass
class Dataset:
    data: Combined
    label: str  # "Sample district" or the uploaded file names
    key: tuple  # identifies the data for caching derived frames
    min_group_size: int

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
    def targets(self) -> TargetSet:
        return default_targets()

    @property
    def respondents(self) -> int:
        return respondent_count(self.ratings)

    def areas(self) -> pd.DataFrame:
        return summarize_areas(self.ratings, self.key, self.framework.id, self.scale.id, self.min_group_size)


def current_dataset() -> Dataset:
    """The data the pages show: the session's upload when chosen, otherwise the sample district."""
    fw_id = st.session_state.get(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID)
    if fw_id not in builtin_frameworks():
        fw_id = DEFAULT_FRAMEWORK_ID
    k = int(st.session_state.get(K_MIN_GROUP, DEFAULT_MIN_GROUP_SIZE))
    upload = st.session_state.get(K_UPLOAD)
    if st.session_state.get(K_SOURCE) == SOURCE_UPLOAD and upload and upload.get("ok"):
        try:
            data = upload_results(upload, fw_id)
        except (SurveyFileError, ScaleMismatchError):  # e.g. the framework changed and a file no longer fits
            pass
        else:
            files = tuple((f["digest"], tuple(sorted((f.get("overrides") or {}).items()))) for f in upload["files"])
            key = (files, fw_id, upload["scale"], upload.get("rescale_to"), profiles_key())
            return Dataset(data, data.label, key, k)
    result = load_survey(sample_bytes(), SAMPLE_PATH.name, fw_id, "auto")
    return Dataset(combine([result]), "Sample district", ("sample", fw_id), k)


def privacy_caption(k: int) -> str:
    return f"Anonymous view: results resting on fewer than {k} people are hidden."


def chart_caption(n: int, k: int, extra: str = "") -> str:
    base = f"Based on {n} {'respondent' if n == 1 else 'respondents'}. {privacy_caption(k)}"
    return f"{base} {extra}".strip()
