"""Targets and framework (admins): the role target profiles, the district's minimum group size, and custom
framework definitions, all saved in the store for every server and every user."""

import pandas as pd
import streamlit as st

from framework import state
from framework.access import EDIT_FRAMEWORK, EDIT_TARGETS
from framework.aggregate import FLOOR_MIN_GROUP_SIZE
from framework.definitions import DefinitionError
from framework.growth_library import MAX_FILE_BYTES as GROWTH_MAX_BYTES
from framework.growth_library import default_growth_text
from framework.store import StoreError
from framework.targets import targets_from_table, targets_table
from ui.auth import require
from ui.shared import CUSTOM, K_FRAMEWORK, current_dataset, district_k, md, targets
from ui.store import store_or_stop

viewer = require(EDIT_TARGETS)
store = store_or_stop()


def _load_custom() -> None:
    v = require(EDIT_FRAMEWORK)  # checked again when the file arrives, not only when the page is drawn
    f = st.session_state.get("framework_file")
    if f is None:
        return
    try:
        digest, fw = state.add_framework(store, v.actor, f.getvalue().decode("utf-8-sig", errors="strict"), f.name)
    except (DefinitionError, UnicodeDecodeError) as exc:
        st.session_state["settings_flash"] = ("error", f"{f.name} was not loaded: {exc}" if isinstance(
            exc, UnicodeDecodeError) else str(exc))
        return
    except StoreError as exc:
        st.session_state["settings_flash"] = ("error", str(exc))
        return
    st.session_state[K_FRAMEWORK] = CUSTOM + digest
    st.session_state["settings_flash"] = ("success", f"Loaded {fw.title}: {len(fw.areas)} areas in "
                                          f"{len(fw.categories)} categories, for everyone using the dashboard.")


def _reset() -> None:
    v = require(EDIT_TARGETS)
    state.reset_targets(store, v.actor)
    st.session_state["settings_flash"] = ("success", "Targets are back to the defaults.")


data = current_dataset()
fw = data.framework
current = targets()

st.title("Targets and framework")
if flash := st.session_state.pop("settings_flash", None):
    getattr(st, flash[0])(md(flash[1]))

st.subheader("Role target profiles")
st.markdown(
    "The level each role should reach in each skill area, on the 1–4 proficiency scale "
    "(1 Beginning, 2 Developing, 3 Proficient, 4 Advanced). The **Default** row is the team target: the level a "
    "person must reach to cover an area. Saved changes apply to every gap figure, for everyone."
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
    require(EDIT_TARGETS)
    back = pd.DataFrame(edited.to_numpy(), index=table.index, columns=table.columns)
    try:
        state.save_targets(store, viewer.actor, targets_from_table(current, back))
    except (DefinitionError, StoreError) as exc:
        st.error(md(f"Not saved: {exc}."))
    else:
        st.session_state["settings_flash"] = ("success", "Saved; every gap figure now uses these targets.")
        st.rerun()
c2.button("Reset to defaults", on_click=_reset)
if data.scale.max != 4:
    st.caption(f"This survey uses the {data.scale.name} scale: targets are converted linearly and rounded "
               f"(3 of 4 becomes {round(data.scale.min + 2 / 3 * (data.scale.max - data.scale.min))} "
               f"of {data.scale.max}).")

st.divider()
st.subheader("Minimum group size")
k = st.number_input("Minimum group size for everyone who is not an admin", min_value=FLOOR_MIN_GROUP_SIZE,
                    max_value=50, value=district_k(), step=1, key="district-k",
                    help="Anonymous pages, the board report and its exports hide any figure, or combination of "
                         "figures, resting on fewer people than this. Admins may look at other values in their "
                         "own sidebar; everyone else sees this one.")
if k != district_k() and st.button("Save the minimum group size"):
    require(EDIT_TARGETS)
    state.set_district_k(store, viewer.actor, int(k))
    st.session_state["settings_flash"] = ("success", f"Everyone who is not an admin now sees results at a minimum "
                                          f"group size of {int(k)}.")
    st.rerun()

st.divider()
st.subheader("Framework")
st.markdown(f"In use: **{md(fw.title)}**")
if fw.source:
    st.text(f"Source: {fw.source}")
st.dataframe(pd.DataFrame([
    {"Category": fw.category(a.category).name, "Skill area": a.name, "Chart label": a.label,
     "Weight": a.weight, "Description": a.description} for a in fw.areas
]), hide_index=True, key="framework-table")
st.file_uploader(
    "Load a custom framework (.toml, the format in the README)", type=["toml"], key="framework_file",
    on_change=_load_custom,
    help="For example the ISTE Standards for Education Leaders. It is saved for everyone using the dashboard.",
)

st.divider()
st.subheader("Professional-learning suggestions")
st.markdown(
    "The next steps each person's growth plan suggests, per skill area and level: the ISTE Standards for Education "
    "Leaders and the CETL content area that fit, and learning activities (shadowing, a course, a professional "
    "community, a stretch assignment, reading; mentoring or leading at the top). Download the file, edit it in any "
    "text editor (its header explains the format) and load it again: every growth plan uses it at once."
)
library = state.growth_library(store)
st.caption(md(f"In use: {'your district’s edited copy' if state.growth_text(store) != default_growth_text() else 'the shipped file'}"
              f", {len(library.areas)} skill areas."))
g1, g2 = st.columns([1, 1])
g1.download_button("Download the suggestions (growth.toml)", state.growth_text(store).encode("utf-8"),
                   file_name="growth.toml", mime="application/toml", icon=":material/download:", key="growth-download")


def _load_growth() -> None:
    v = require(EDIT_FRAMEWORK)
    f = st.session_state.get("growth_file")
    if f is None:
        return
    if f.size > GROWTH_MAX_BYTES:
        st.session_state["settings_flash"] = ("error", f"{f.name} was not loaded: it is larger than "
                                              f"{GROWTH_MAX_BYTES // 1024} KB.")
        return
    try:
        lib = state.save_growth(store, v.actor, f.getvalue().decode("utf-8-sig", errors="strict"), f.name)
    except UnicodeDecodeError:
        st.session_state["settings_flash"] = ("error", f"{f.name} was not loaded: it is not a UTF-8 text file.")
    except (DefinitionError, StoreError) as exc:
        st.session_state["settings_flash"] = ("error", f"{f.name} was not loaded: {exc}")
    else:
        st.session_state["settings_flash"] = ("success", f"Loaded {f.name}: {len(lib.areas)} skill areas; every "
                                              "growth plan now uses these suggestions.")


def _reset_growth() -> None:
    v = require(EDIT_FRAMEWORK)
    state.reset_growth(store, v.actor)
    st.session_state["settings_flash"] = ("success", "The suggestions are back to the shipped file.")


st.file_uploader("Load edited suggestions (.toml)", type=["toml"], key="growth_file", on_change=_load_growth)
g2.button("Back to the shipped suggestions", on_click=_reset_growth, key="growth-reset",
          disabled=state.growth_text(store) == default_growth_text())
