"""Targets and framework: edit the role target profiles, or load a custom framework definition."""

import pandas as pd
import streamlit as st

from framework.definitions import DefinitionError, parse_framework
from framework.targets import reset_targets, save_targets, targets_from_table, targets_path, targets_table
from pages._shared import K_CUSTOM, K_FRAMEWORK, current_dataset, targets


def _load_custom() -> None:
    f = st.session_state.get("framework_file")
    if f is None:
        return
    text = f.getvalue()
    try:
        fw = parse_framework(text, f.name)
    except DefinitionError as exc:
        st.session_state["settings_flash"] = ("error", str(exc))
        return
    st.session_state[K_CUSTOM] = {"id": fw.id, "name": f.name, "toml": text.decode("utf-8-sig")}
    st.session_state[K_FRAMEWORK] = fw.id
    st.session_state["settings_flash"] = ("success", f"Loaded {fw.title}: {len(fw.areas)} areas in "
                                          f"{len(fw.categories)} categories. The whole app now uses it.")


def _reset() -> None:
    reset_targets()
    st.session_state["settings_flash"] = ("success", "Targets are back to the defaults.")


data = current_dataset()
fw = data.framework
current = targets()

st.title("Targets and framework")
if flash := st.session_state.pop("settings_flash", None):
    getattr(st, flash[0])(flash[1])

st.subheader("Role target profiles")
st.markdown(
    f"The level each role should reach in each skill area, on the 1–4 proficiency scale "
    f"(1 Beginning, 2 Developing, 3 Proficient, 4 Advanced). The **Default** row is the team target: the level a "
    f"person must reach to cover an area. Changes apply to every gap figure as soon as they are saved "
    f"(to `{targets_path().name}` under `data/`)."
)
table = targets_table(current, fw)
shown = table.copy()
shown.index = ["Default"] + [r.name for r in current.roles]
shown.columns = [a.label for a in fw.areas]
edited = st.data_editor(
    shown, key="targets-editor", width="stretch",
    column_config={c: st.column_config.NumberColumn(min_value=1, max_value=4, step=1, format="%d") for c in shown.columns},
)
c1, c2 = st.columns([1, 4])
if c1.button("Save targets", type="primary"):
    back = pd.DataFrame(edited.to_numpy(), index=table.index, columns=table.columns)
    try:
        path = save_targets(targets_from_table(current, back))
    except DefinitionError as exc:
        st.error(f"Not saved: {exc}.")
    else:
        st.session_state["settings_flash"] = ("success", f"Saved to {path.name}; every gap figure now uses it.")
        st.rerun()
c2.button("Reset to defaults", on_click=_reset, disabled=not targets_path().exists())
if data.scale.max != 4:
    st.caption(f"This survey uses the {data.scale.name} scale: targets are converted linearly and rounded "
               f"(3 of 4 becomes {round(data.scale.min + 2 / 3 * (data.scale.max - data.scale.min))} "
               f"of {data.scale.max}).")

st.divider()
st.subheader("Framework")
st.markdown(f"In use: **{fw.title}**" + (f" ([source]({fw.source}))" if fw.source else ""))
st.dataframe(pd.DataFrame([
    {"Category": fw.category(a.category).name, "Skill area": a.name, "Chart label": a.label,
     "Weight": a.weight, "Description": a.description} for a in fw.areas
]), hide_index=True, key="framework-table")
st.file_uploader(
    "Load a custom framework (.toml, the format in the README)", type=["toml"], key="framework_file",
    on_change=_load_custom,
    help="For example the ISTE Standards for Education Leaders. It is used for this browser session.",
)
