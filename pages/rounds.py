"""Survey rounds: save the session's upload as a round; list, rename, export and delete rounds; delete
everything stored."""

import re
from datetime import date

import pandas as pd
import streamlit as st

from framework import state
from framework.access import DELETE_DATA, MANAGE_ROUNDS
from framework.exports import to_csv_bytes
from framework.store import LABEL_MAX, StoreError, round_export, source_digest
from framework.trends import round_table
from ui.auth import require
from ui.shared import K_SOURCE, K_UPLOAD, SOURCE_UPLOAD, current_dataset, md
from ui.store import TRENDS_PAGE, UPLOAD_PAGE, flash, page_link, show_flash, store_or_stop

K_LABEL, K_DATE, K_SELECTED, K_RENAME = "round-label", "round-date", "rounds-selected", "rounds-rename"
K_CONFIRM, K_WIPE = "rounds-confirm-delete", "rounds-wipe-text"
WIPE_WORD = "DELETE"

viewer = require(MANAGE_ROUNDS)
st.title("Survey rounds")
store = store_or_stop()


# ---- callbacks (they run before the page, so the list below already shows their result) ---------
def _save(digests: list[str]) -> None:
    v = require(MANAGE_ROUNDS)
    data = current_dataset()
    try:
        result = store.save_round(data.data, st.session_state.get(K_LABEL, ""),
                                  st.session_state.get(K_DATE) or date.today(), digests)
        if result.created:
            state.log(store, v.actor, "save round", result.round.label,
                      f"{result.round.respondents} respondents from {result.round.source_name}")
    except StoreError as exc:
        flash("error", f"The round was not saved: {exc}")
        return
    flash("success" if result.created else "info", result.message)
    st.session_state[K_SELECTED] = result.round.id
    st.session_state[K_LABEL] = ""


def _rename(round_id: int) -> None:
    v = require(MANAGE_ROUNDS)
    try:
        before = store.get_round(round_id).label
        done = store.rename_round(round_id, st.session_state.get(K_RENAME, ""))
        state.log(store, v.actor, "rename round", done.label, f"was {before}")
    except StoreError as exc:
        flash("error", f"The round was not renamed: {exc}")
    else:
        flash("success", f"Round {done.id} is now called {done.label!r}.")
        st.session_state.pop(K_RENAME, None)


def _ask_delete(round_id: int) -> None:
    st.session_state[K_CONFIRM] = round_id


def _cancel_delete() -> None:
    st.session_state.pop(K_CONFIRM, None)


def _delete(round_id: int, label: str) -> None:
    v = require(DELETE_DATA)
    st.session_state.pop(K_CONFIRM, None)
    try:
        removed = store.delete_round(round_id)
        state.log(store, v.actor, "delete round", label, f"{removed} ratings")
    except StoreError as exc:
        flash("error", str(exc))
    else:
        flash("success", f"Deleted round {round_id} {label!r} and its {removed} ratings.")
        st.session_state.pop(K_SELECTED, None)


def _delete_all() -> None:
    v = require(DELETE_DATA)
    if st.session_state.get(K_WIPE, "").strip() != WIPE_WORD:
        return
    try:
        n_rounds, n_ratings = store.delete_all()
        state.log(store, v.actor, "delete all stored data", "all rounds", f"{n_rounds} rounds, {n_ratings} ratings")
    except StoreError as exc:
        flash("error", str(exc))
    else:
        flash("success", f"Deleted all stored data: {n_rounds} rounds and {n_ratings} ratings.")
        for key in (K_SELECTED, K_CONFIRM, K_WIPE):
            st.session_state.pop(key, None)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "round"


# ---- page ---------------------------------------------------------------------------------------
st.markdown(
    "A round is one survey of the team, say **Fall 2026**. An upload stays in this browser session until you "
    "save it here as a round; saved rounds make the trend, and you can delete them at any time."
)
st.caption(f"Rounds are kept in the {store.description}. Stored per person: name, email, role and school or "
           "department as the survey gave them, and the ratings (the email lets a signed-in person find their own "
           "ratings).")
show_flash()

st.subheader("Save the current upload as a round")
upload = st.session_state.get(K_UPLOAD)
data = current_dataset()
is_upload = (
    st.session_state.get(K_SOURCE) == SOURCE_UPLOAD and bool(upload) and upload.get("ok")
    and [r.report.filename for r in data.data.results] == [f["name"] for f in upload["files"]]
)
try:
    if not is_upload:
        st.info("The dashboard is showing the sample district. Upload your team's survey export first; "
                "it can then be saved here as a round.")
        page_link(UPLOAD_PAGE, "Upload survey", ":material/upload_file:")
    else:
        digests = [f["digest"] for f in upload["files"]]
        stored = store.find_round(source_sha256=source_digest(digests), framework_id=data.framework.id,
                                  scale_id=data.scale.id)
        n = int(data.data.ratings.loc[data.data.ratings["status"].eq("rated"), "respondent"].nunique())
        what = (f"{data.label}: {n} respondents, {data.framework.title}, scale {data.scale.name}"
                + (" (rescaled)" if data.data.rescaled else ""))
        if stored is not None:
            st.info(f"{what}. This upload is stored already as round {stored.id} {md(repr(stored.label))} "
                    f"({stored.survey_date.isoformat()}).")
        else:
            st.markdown(what + ".")
            with st.form("save-round", border=True):
                left, right = st.columns([2, 1])
                left.text_input("Round name", key=K_LABEL, max_chars=LABEL_MAX, placeholder="Fall 2026",
                                help="How the round is called on the trend; each round needs its own name.")
                right.date_input("Survey date", key=K_DATE, value=date.today(), format="YYYY-MM-DD",
                                 help="When the team answered; rounds are ordered by it.")
                st.form_submit_button("Save as a round", type="primary", on_click=_save, args=(digests,))

    st.subheader("Stored rounds")
    rounds = store.list_rounds()
    if not rounds:
        st.info("No rounds are stored yet.")
        st.stop()
    table = pd.DataFrame([{
        "ID": r.id, "Round": r.label, "Survey date": r.survey_date, "Respondents": r.respondents,
        "Ratings": r.ratings, "Framework": r.framework_version or r.framework_id, "Scale": f"{r.scale_min}–{r.scale_max}",
        "Source": r.source_name, "Saved (UTC)": r.saved_at.strftime("%Y-%m-%d %H:%M"),
    } for r in rounds])
    st.dataframe(table, hide_index=True, key="rounds-table",
                 column_config={"ID": st.column_config.NumberColumn(width=50),
                                "Survey date": st.column_config.DateColumn(format="YYYY-MM-DD")})
    if len(rounds) >= 2:
        page_link(TRENDS_PAGE, "See the trend", ":material/trending_up:")

    st.subheader("Manage a round")
    by_id = {r.id: r for r in rounds}
    if st.session_state.get(K_SELECTED) not in by_id:
        st.session_state[K_SELECTED] = rounds[-1].id
    chosen = by_id[st.selectbox("Round", list(by_id), key=K_SELECTED,
                                format_func=lambda i: f"{i}: {by_id[i].title}")]
    report = store.import_report(chosen.id)
    files = report.get("files", [])
    st.caption(
        f"Saved {chosen.saved_at.strftime('%Y-%m-%d %H:%M')} UTC from {chosen.source_name} "
        f"(SHA-256 {chosen.source_sha256[:12]}…). "
        + " ".join(f"{f['filename']}: {f['rows_read']} rows read = {f['rows_used']} used + {f['rows_rejected']} "
                   f"rejected, {_count(len(f.get('warnings', [])), 'warning')}." for f in files)
    )
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    c1.text_input("New name", key=K_RENAME, max_chars=LABEL_MAX, placeholder=chosen.label)
    c2.button("Rename", key="rounds-rename-button", on_click=_rename, args=(chosen.id,))
    if data.named:  # the team's own view: every person's ratings, with names
        names = {a.id: a.name for a in data.framework.areas}
        c3.download_button(
            "Export as CSV", data=lambda: to_csv_bytes(round_export(store, chosen.id, names)),
            file_name=f"round-{chosen.id}-{_slug(chosen.label)}-named.csv", mime="text/csv", key="rounds-export",
            help="Named view: one row per person and skill area. The file contains names: keep it as personnel data.",
        )
    else:  # anonymous: the round's figures per skill area, hidden below the minimum group size
        c3.download_button(
            "Export as CSV", key="rounds-export", mime="text/csv",
            data=lambda: to_csv_bytes(round_table(store, chosen.id, data.framework, targets=data.targets,
                                                  min_group_size=data.min_group_size)),
            file_name=f"round-{chosen.id}-{_slug(chosen.label)}.csv",
            help=f"Anonymous view: the round's figures per skill area (areas resting on fewer than "
                 f"{data.min_group_size} people are hidden). Switch on the named view to export every rating.",
        )
    if st.session_state.get(K_CONFIRM) == chosen.id:
        st.warning(f"Delete round {chosen.id} {md(repr(chosen.label))} and its {chosen.ratings} ratings? This cannot be undone.")
        y, n_, _ = st.columns([1, 1, 3])
        y.button("Yes, delete it", key="rounds-delete-confirm", type="primary", on_click=_delete,
                 args=(chosen.id, chosen.label))
        n_.button("Cancel", key="rounds-delete-cancel", on_click=_cancel_delete)
    else:
        st.button("Delete this round…", key="rounds-delete", on_click=_ask_delete, args=(chosen.id,))

    st.divider()
    with st.expander("Delete all stored data"):
        total = sum(r.ratings for r in rounds)
        st.markdown(f"Removes every round ({len(rounds)}) and every rating ({total}) from the {store.description}. "
                    "Uploads in this session are not affected. This cannot be undone.")
        typed = st.text_input(f"Type {WIPE_WORD} to confirm", key=K_WIPE)
        st.button("Delete all stored data", key="rounds-delete-all", type="primary", on_click=_delete_all,
                  disabled=typed.strip() != WIPE_WORD)
except StoreError as exc:
    st.error(md(str(exc)))
