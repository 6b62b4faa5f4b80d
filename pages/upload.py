"""Upload: read a survey export, show the import report, and use the data for this browser session."""

import hashlib

import pandas as pd
import streamlit as st

from framework.importer import SurveyFileError
from framework.importer.columns import AREA, IDENTITY, IDENTITY_FIELDS
from pages._shared import K_FRAMEWORK, K_SOURCE, K_UPLOAD, SOURCE_SAMPLE, SOURCE_UPLOAD, load_survey

SCALES = {"auto": "Detect from the answers", "1-4": "Proficiency 1–4", "1-5": "Agreement 1–5"}


def _check(upload: dict) -> None:
    """Import (cached) and choose the data source accordingly; runs in callbacks, before the sidebar."""
    try:
        load_survey(upload["bytes"], upload["name"], st.session_state[K_FRAMEWORK], upload["scale"])
    except SurveyFileError:
        upload["ok"] = False
        st.session_state[K_SOURCE] = SOURCE_SAMPLE
    else:
        upload["ok"] = True
        st.session_state[K_SOURCE] = SOURCE_UPLOAD


def _take_upload() -> None:
    """on_change of the uploader: keep the file's bytes in the session and use it from now on."""
    f = st.session_state.get("uploader")
    if f is None:
        return
    data = f.getvalue()
    upload = {"name": f.name, "bytes": data, "digest": hashlib.sha256(data).hexdigest(), "scale": "auto"}
    st.session_state[K_UPLOAD] = upload
    _check(upload)


def _take_scale() -> None:
    upload = st.session_state[K_UPLOAD]
    upload["scale"] = st.session_state["scale_choice"]
    _check(upload)


st.title("Upload a survey export")
st.markdown(
    "Upload the CSV or Excel file your survey tool exported (Google Forms, Microsoft Forms, SurveyMonkey, "
    "Qualtrics, or a sheet you made): one row per staff member with a column per skill area, or one row per "
    "staff member and skill area. The file stays in this browser session; nothing is stored."
)
st.file_uploader("Survey file", type=["csv", "xlsx", "tsv", "txt"], key="uploader", on_change=_take_upload)

upload = st.session_state.get(K_UPLOAD)
if not upload:
    st.info("No file uploaded yet. The dashboard is showing the sample district.")
    st.stop()

st.session_state["scale_choice"] = upload["scale"]
st.selectbox(
    "Rating scale",
    list(SCALES),
    key="scale_choice",
    format_func=SCALES.get,
    on_change=_take_scale,
    help="Detected from the answers unless you choose one.",
)

try:
    result = load_survey(upload["bytes"], upload["name"], st.session_state[K_FRAMEWORK], upload["scale"])
except SurveyFileError as exc:
    st.error(f"{upload['name']} could not be used. {exc}")
    st.stop()

rep = result.report
st.success(
    f"Read {upload['name']}: {rep.respondents} respondents. The dashboard now shows this file "
    "(switch back to the sample district in the sidebar)."
)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Rows read", rep.rows_read, border=True)
c2.metric("Rows used", rep.rows_used, border=True)
c3.metric("Rows rejected", rep.rows_rejected, border=True)
c4.metric("Respondents", rep.respondents, border=True)
st.caption(
    f"{rep.rows_read} read = {rep.rows_used} used + {rep.rows_rejected} rejected"
    + (f"; {rep.blank_rows} empty rows skipped" if rep.blank_rows else "")
    + f". Format: {rep.source_format}, {rep.file_kind}, {rep.layout} layout. "
    f"Scale: {result.scale.name} ({rep.scale_reason}). Answers: {rep.cells_rated} ratings, "
    f"{rep.cells_not_applicable} N/A, {rep.cells_blank} blank, {rep.cells_invalid} unreadable."
)

for w in rep.warnings:
    st.warning(w)

st.subheader("Rejected rows and cells")
if rep.rejected.empty:
    st.markdown("Nothing was rejected.")
else:
    st.dataframe(
        rep.rejected.rename(columns=str.capitalize), hide_index=True, key="rejected-table",
        column_config={"Value": st.column_config.TextColumn(), "Reason": st.column_config.TextColumn(width="large")},
    )

st.subheader("How the columns were read")
fw = result.framework
mapping = pd.DataFrame([
    {
        "Column": m.column,
        "Read as": fw.area(m.target).name if m.kind == AREA else IDENTITY_FIELDS[m.target] if m.kind == IDENTITY else "not used",
        "Kind": {"area": "skill area", "identity": "who", "unmapped": "—"}[m.kind],
        "Confidence": m.confidence if m.kind != "unmapped" else None,
        "How": m.method,
    }
    for m in rep.mapping
])
st.dataframe(
    mapping, hide_index=True, key="mapping-table", height=min(36 * (len(mapping) + 1) + 4, 800),
    column_config={"Confidence": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0)},
)
