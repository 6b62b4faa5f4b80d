"""The UI edge shared by the pages: session state, cached loading, and small rendering helpers.

Only this module and the page scripts import streamlit; everything they compute comes from
``framework``. Caching lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from framework.aggregate import DEFAULT_MIN_GROUP_SIZE, area_summary, respondent_count
from framework.definitions import DEFAULT_FRAMEWORK_ID, Framework, builtin_frameworks, get_framework
from framework.importer import ImportResult, read_survey
from framework.sample import SAMPLE_PATH
from framework.targets import TargetSet, default_targets

SOURCE_SAMPLE, SOURCE_UPLOAD = "sample", "upload"
K_SOURCE, K_FRAMEWORK, K_MIN_GROUP, K_UPLOAD, K_SCALE = "source", "framework_id", "min_group_size", "upload", "scale"


@st.cache_data(show_spinner=False, max_entries=4)
def sample_bytes() -> bytes:
    return SAMPLE_PATH.read_bytes()


@st.cache_data(show_spinner="Reading the survey…", max_entries=16)
def load_survey(data: bytes, filename: str, framework_id: str, scale: str) -> ImportResult:
    """Import once per (file, framework, scale); a SurveyFileError is raised again on each call."""
    return read_survey(data, filename, get_framework(framework_id), scale=scale, targets=default_targets())


@st.cache_data(show_spinner=False, max_entries=32)
def summarize_areas(_result: ImportResult, key: tuple, min_group_size: int) -> pd.DataFrame:
    return area_summary(_result.ratings, _result.framework, _result.scale, default_targets(), min_group_size)


def init_state() -> None:
    st.session_state.setdefault(K_SOURCE, SOURCE_SAMPLE)
    st.session_state.setdefault(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID)
    st.session_state.setdefault(K_MIN_GROUP, DEFAULT_MIN_GROUP_SIZE)
    st.session_state.setdefault(K_SCALE, "auto")


@dataclass
class Dataset:
    result: ImportResult
    label: str  # "Sample district" or the uploaded file's name
    key: tuple  # identifies the data for caching derived frames
    min_group_size: int

    @property
    def framework(self) -> Framework:
        return self.result.framework

    @property
    def targets(self) -> TargetSet:
        return default_targets()

    @property
    def respondents(self) -> int:
        return respondent_count(self.result.ratings)

    def areas(self) -> pd.DataFrame:
        return summarize_areas(self.result, self.key, self.min_group_size)


def current_dataset() -> Dataset:
    """The data the pages show: the session's upload when chosen, otherwise the sample district."""
    fw_id = st.session_state.get(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID)
    if fw_id not in builtin_frameworks():
        fw_id = DEFAULT_FRAMEWORK_ID
    k = int(st.session_state.get(K_MIN_GROUP, DEFAULT_MIN_GROUP_SIZE))
    upload = st.session_state.get(K_UPLOAD)
    if st.session_state.get(K_SOURCE) == SOURCE_UPLOAD and upload and upload.get("ok"):
        scale = upload.get("scale", "auto")
        result = load_survey(upload["bytes"], upload["name"], fw_id, scale)
        return Dataset(result, upload["name"], (upload["digest"], fw_id, scale), k)
    data = sample_bytes()
    result = load_survey(data, SAMPLE_PATH.name, fw_id, "auto")
    return Dataset(result, "Sample district", ("sample", fw_id), k)


def privacy_caption(k: int) -> str:
    return f"Anonymous view: results resting on fewer than {k} people are hidden."


def chart_caption(n: int, k: int, extra: str = "") -> str:
    base = f"Based on {n} {'respondent' if n == 1 else 'respondents'}. {privacy_caption(k)}"
    return f"{base} {extra}".strip()
