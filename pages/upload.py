"""Upload: read survey exports, show the import report, correct the column mapping, and use the
data for this browser session."""

import hashlib

import pandas as pd
import streamlit as st

from framework import state
from framework.access import EDIT_MAPPING, UPLOAD
from framework.combine import ScaleMismatchError
from framework.definitions import DEFAULT_FRAMEWORK_ID
from framework.exports import to_csv_bytes
from framework.importer import ImportResult, SurveyFileError
from framework.mapping import (
    MappingProfile,
    MappingProfileError,
    choice_labels,
    label_for,
    mapping_from_edits,
    proposal_for,
)
from framework.scales import builtin_scales
from framework.store import StoreError
from framework.targets import default_targets
from framework.template import question_wording, template_csv, template_xlsx
from ui.auth import require
from ui.shared import (
    K_FRAMEWORK,
    K_SOURCE,
    K_UPLOAD,
    SOURCE_SAMPLE,
    SOURCE_UPLOAD,
    mapping_profiles,
    md,
    resolve_framework,
    upload_results,
)
from ui.store import get_store

viewer = require(UPLOAD)

SCALES = {"auto": "Detect from the answers"} | {s.id: s.name for s in builtin_scales().values()}


# ---- callbacks: they run before the script, so they may choose the sidebar's data source -------
def _check() -> None:
    upload = st.session_state[K_UPLOAD]
    try:
        upload_results(upload, resolve_framework(st.session_state.get(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID)))
    except (SurveyFileError, ScaleMismatchError):
        upload["ok"] = False
        st.session_state[K_SOURCE] = SOURCE_SAMPLE
    else:
        upload["ok"] = True
        st.session_state[K_SOURCE] = SOURCE_UPLOAD


def _take_upload() -> None:
    require(UPLOAD)
    files = st.session_state.get("uploader") or []
    if not files:
        return
    st.session_state[K_UPLOAD] = {
        "files": [
            {"name": f.name, "bytes": f.getvalue(), "digest": hashlib.sha256(f.getvalue()).hexdigest(), "overrides": None}
            for f in files
        ],
        "scale": "auto",
        "rescale_to": None,
    }
    _check()


def _take_scale() -> None:
    st.session_state[K_UPLOAD]["scale"] = st.session_state["scale_choice"]
    _check()


def _take_rescale() -> None:
    choice = st.session_state["rescale_choice"]
    st.session_state[K_UPLOAD]["rescale_to"] = None if choice == "none" else choice
    _check()


def _apply_mapping(i: int, result: ImportResult) -> None:
    edits = st.session_state.get(f"mapping-editor-{i}", {}).get("edited_rows", {})
    st.session_state[K_UPLOAD]["files"][i]["overrides"] = mapping_from_edits(
        result.report.mapping, edits, result.framework
    )
    _check()


def _apply_refused_mapping(i: int, mapping: list, framework_id: str) -> None:
    edits = st.session_state.get(f"refused-editor-{i}", {}).get("edited_rows", {})
    st.session_state[K_UPLOAD]["files"][i]["overrides"] = mapping_from_edits(
        mapping, edits, resolve_framework(framework_id)
    )
    _check()


def _reset_mapping(i: int) -> None:
    st.session_state[K_UPLOAD]["files"][i]["overrides"] = None
    _check()


def _save_profile(i: int, result: ImportResult) -> None:
    v = require(EDIT_MAPPING)
    name = st.session_state.get(f"profile-name-{i}", "").strip()
    fw = result.framework
    mapping = mapping_from_edits(result.report.mapping, {}, fw)
    store = get_store(quiet=True)
    if store is None:
        st.session_state["flash"] = ("error", "The mapping profile was not saved: the database cannot be used.")
        return
    try:
        state.save_profile(store, v.actor, MappingProfile(name, fw.id, tuple(mapping), mapping))
    except (MappingProfileError, StoreError) as exc:
        st.session_state["flash"] = ("error", f"The mapping profile was not saved: {exc}.")
    else:
        st.session_state["flash"] = ("success", f"Saved the mapping profile {name!r}. "
                                     "The next upload of this form will be read the same way, on every server.")


def _delete_profile(name: str) -> None:
    v = require(EDIT_MAPPING)
    store = get_store(quiet=True)
    if store is not None:
        state.delete_profile(store, v.actor, name)


# ---- page ---------------------------------------------------------------------------------------
st.title("Upload survey exports")
st.markdown(
    "Upload the CSV or Excel files your survey tool exported (Google Forms, Microsoft Forms, SurveyMonkey, "
    "Qualtrics, or a sheet you made): one row per staff member with a column per skill area, or one row per "
    "staff member and skill area. Several files (say, one per department) are read as one team. "
    "The files stay in this browser session until you save them as a round on the Survey rounds page."
)
st.file_uploader("Survey files", type=["csv", "xlsx", "tsv", "txt"], key="uploader", on_change=_take_upload,
                 accept_multiple_files=True)

if flash := st.session_state.pop("flash", None):
    getattr(st, flash[0])(flash[1])

upload = st.session_state.get(K_UPLOAD)
fw_id = st.session_state.get(K_FRAMEWORK, DEFAULT_FRAMEWORK_ID)
if upload:
    st.session_state["scale_choice"] = upload["scale"]
    st.selectbox("Rating scale", list(SCALES), key="scale_choice", format_func=SCALES.get, on_change=_take_scale,
                 help="Detected from the answers (labels first, then the range of numbers) unless you choose one.")
    try:
        combined = upload_results(upload, resolve_framework(fw_id))
    except SurveyFileError as exc:
        st.error(md(f"{exc} The dashboard keeps showing the sample district."))
        combined = None
        refused = next((k for k, f in enumerate(upload["files"]) if f["name"] == exc.filename), None)
        if exc.mapping and refused is not None:  # no column was a skill area: let the user say which are
            fw = resolve_framework(fw_id)
            st.markdown(f"**How the columns of {exc.filename} were read**: choose the skill area of each column "
                        "under *Read as*, then apply.")
            table = pd.DataFrame([{"Col.": m.letter, "Column": m.column, "Read as": label_for(m, fw),
                                   "Proposed": proposal_for(m, fw), "How": m.method, "Evidence": m.evidence}
                                  for m in exc.mapping])
            with st.form(f"refused-form-{refused}", border=False):
                st.data_editor(
                    table, key=f"refused-editor-{refused}", hide_index=True,
                    disabled=["Col.", "Column", "Proposed", "How", "Evidence"],
                    height=min(36 * (len(table) + 1) + 4, 640),
                    column_config={"Read as": st.column_config.SelectboxColumn(options=list(choice_labels(fw)),
                                                                               required=True, width="large")},
                )
                st.form_submit_button("Apply these columns", on_click=_apply_refused_mapping,
                                      args=(refused, exc.mapping, fw_id))
    except ScaleMismatchError as exc:
        st.error(md(str(exc)))
        combined = None
        st.session_state["rescale_choice"] = upload.get("rescale_to") or "none"
        st.selectbox("Rescale every file to", ["none", *builtin_scales()], key="rescale_choice",
                     format_func=lambda s: "Do not combine" if s == "none" else builtin_scales()[s].name,
                     on_change=_take_rescale)

    if combined is not None:
        if upload.get("rescale_to") or combined.rescaled:
            st.session_state["rescale_choice"] = upload.get("rescale_to") or "none"
            st.selectbox("Rescale every file to", ["none", *builtin_scales()], key="rescale_choice",
                         format_func=lambda s: "Do not combine" if s == "none" else builtin_scales()[s].name,
                         on_change=_take_rescale)
        n = combined.ratings.loc[combined.ratings["status"].eq("rated"), "respondent"].nunique()
        st.success(f"Read {combined.label}: {n} respondents. The dashboard now shows "
                   f"{'this file' if len(combined.results) == 1 else 'these files'} "
                   "(switch back to the sample district in the sidebar).")
        for note in combined.notes:
            st.info(md(note))

        for i, result in enumerate(combined.results):
            rep = result.report
            with st.container(border=True):
                st.subheader(rep.filename)
                c1, c2, c3, c4 = st.columns(4)
                c1.metric("Rows read", rep.rows_read)
                c2.metric("Rows used", rep.rows_used)
                c3.metric("Rows rejected", rep.rows_rejected)
                c4.metric("Respondents", rep.respondents)
                st.caption(
                    f"{rep.rows_read} read = {rep.rows_used} used + {rep.rows_rejected} rejected"
                    + (f"; {rep.blank_rows} empty rows skipped" if rep.blank_rows else "")
                    + f". Format: {rep.source_format}, {rep.file_kind}, {rep.layout} layout. "
                    f"Scale: {result.scale.name} ({rep.scale_reason}). Answers: {rep.cells_rated} ratings, "
                    f"{rep.cells_not_applicable} N/A, {rep.cells_blank} blank, {rep.cells_invalid} unreadable."
                )
                for w in rep.warnings:
                    st.warning(md(w))

                st.markdown("**Rejected rows and cells**")
                if rep.rejected.empty:
                    st.markdown("Nothing was rejected.")
                else:
                    st.dataframe(rep.rejected.rename(columns=str.capitalize), hide_index=True,
                                 column_config={"Reason": st.column_config.TextColumn(width="large")})
                    st.download_button("Download the rejected rows (CSV)", to_csv_bytes(rep.rejected),
                                       file_name=f"rejected-{rep.filename}.csv", mime="text/csv", key=f"rej-{i}")

                st.markdown("**How the columns were read**: correct any line, then apply. A proposed skill area "
                            "is not used until you choose it under *Read as*.")
                fw = result.framework
                options = choice_labels(fw)
                table = pd.DataFrame([{
                    "Col.": m.letter,
                    "Column": m.column,
                    "Read as": label_for(m, fw),
                    "Confidence": round(100 * m.confidence) if m.kind != "unmapped" else None,
                    "Proposed": proposal_for(m, fw),
                    "How": m.method,
                    "Evidence": m.evidence,
                } for m in rep.mapping])
                with st.form(f"mapping-form-{i}", border=False):
                    st.data_editor(
                        table, key=f"mapping-editor-{i}", hide_index=True,
                        disabled=["Col.", "Column", "Confidence", "Proposed", "How", "Evidence"],
                        height=min(36 * (len(table) + 1) + 4, 640),
                        column_config={
                            "Col.": st.column_config.TextColumn(width="small"),
                            "Column": st.column_config.TextColumn(width="large"),
                            "Proposed": st.column_config.TextColumn(width="medium"),
                            "Evidence": st.column_config.TextColumn(width="large"),
                            "Read as": st.column_config.SelectboxColumn(options=list(options), required=True,
                                                                        width="large"),
                            "Confidence": st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100),
                        },
                    )
                    st.form_submit_button("Apply these columns", on_click=_apply_mapping, args=(i, result))
                left, right = st.columns([3, 1])
                if upload["files"][i].get("overrides") is not None:
                    right.button("Back to automatic matching", key=f"reset-{i}", on_click=_reset_mapping, args=(i,))
                with left.popover("Save this mapping as a profile"):
                    st.text_input("Profile name", key=f"profile-name-{i}", placeholder="e.g. Fall staff survey")
                    st.button("Save", key=f"save-profile-{i}", on_click=_save_profile, args=(i, result))
else:
    st.info("No file uploaded yet. The dashboard is showing the sample district.")

st.divider()
st.subheader("Make next year's survey map by itself")
fw = resolve_framework(fw_id)
proficiency = builtin_scales()["1-4"]
c1, c2, c3 = st.columns(3)
c1.download_button("Template (CSV)", template_csv(fw), file_name="survey-template.csv", mime="text/csv")
c2.download_button("Template (Excel, with dropdowns)", template_xlsx(fw, proficiency, default_targets()),
                   file_name="survey-template.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
c3.download_button("Question wording for Google / Microsoft Forms",
                   question_wording(fw, proficiency, default_targets()), file_name="survey-wording.txt",
                   mime="text/plain")

profiles = mapping_profiles()
if profiles:
    with st.expander(f"Saved mapping profiles ({len(profiles)})"):
        for p in profiles:
            a, b = st.columns([4, 1])
            a.markdown(f"**{md(p.name)}**: {len(p.columns)} columns, {md(p.framework_id)}")
            b.button("Delete", key=f"del-{p.name}", on_click=_delete_profile, args=(p.name,))
