"""Trends: each skill area's mean by survey round (n at every point), this round against the last on
the radar, and the change table."""

import streamlit as st

from framework.access import VIEW_TEAM
from framework.combine import ScaleMismatchError
from framework.exports import to_csv_bytes
from framework.scales import builtin_scales
from framework.store import StoreError
from framework.trend_figures import change_table
from framework.trends import SMALL_N, change_summary
from ui.auth import require
from ui.shared import current_dataset, md, trend_chart
from ui.shared import trend as trend_of
from ui.store import ROUNDS_PAGE, get_store, page_link

require(VIEW_TEAM)  # checked on the server at every run


K_ROUNDS, K_RESCALE, K_CURRENT, K_PREVIOUS = "trend-rounds", "trend-rescale", "trend-current", "trend-previous"

st.title("Trends across survey rounds")
store = get_store()
if store is None:
    st.stop()

data = current_dataset()
fw, targets = data.framework, data.targets
k = data.k  # None in the team's named view
privacy = (f"Anonymous view: a point resting on fewer than {data.min_group_size} people is not drawn."
           if k else "Named view: nothing is hidden.")

try:
    rounds = store.list_rounds()
except StoreError as exc:
    st.error(md(str(exc)))
    st.stop()
if not rounds:
    st.info("No survey rounds are stored yet. Upload a survey export, then save it as a round (say, "
            "“Fall 2026”); each later round adds a point to every skill area's trend.")
    page_link(ROUNDS_PAGE, "Survey rounds", ":material/history:")
    st.stop()

by_id = {r.id: r for r in rounds}
# every round by default; a round saved since this session last looked is added to the choice
# (the widget's own key is dropped by Streamlit on any run of another page: the choice is kept in a plain key)
known = set(st.session_state.get(K_ROUNDS + "-known", []))
before = st.session_state.get(K_ROUNDS, st.session_state.get(K_ROUNDS + "-chosen", []))
kept = [i for i in before if i in by_id] + [i for i in by_id if i not in known]
st.session_state[K_ROUNDS] = [i for i in by_id if i in set(kept)]
st.session_state[K_ROUNDS + "-known"] = list(by_id)
chosen = st.multiselect("Rounds in the trend", list(by_id), key=K_ROUNDS, format_func=lambda i: by_id[i].title,
                        help="Ordered by survey date.")
st.session_state[K_ROUNDS + "-chosen"] = chosen
if not chosen:
    st.info("Choose at least one round.")
    st.stop()
chosen_rounds = [r for r in rounds if r.id in chosen]  # date order

rescale = None
if len({r.scale_id for r in chosen_rounds}) > 1:
    scales = builtin_scales()
    st.session_state.setdefault(K_RESCALE, "none")
    choice = st.selectbox("Rescale every round to", ["none", *scales], key=K_RESCALE,
                          format_func=lambda s: "Do not compare" if s == "none" else scales[s].name,
                          help="Rounds on different scales are compared only after an explicit rescale.")
    rescale = None if choice == "none" else choice

try:
    trend = trend_of(fw, targets, k, rescale, chosen)
except ScaleMismatchError as exc:
    st.error(md(str(exc)))
    st.stop()
except StoreError as exc:
    st.error(md(str(exc)))
    st.stop()

latest = chosen_rounds[-1]
st.caption(f"{len(chosen_rounds)} {'round' if len(chosen_rounds) == 1 else 'rounds'} · {md(fw.title)} · "
           f"scale {trend.attrs['scale']} · {privacy}")
for note in trend.attrs["notes"]:
    st.info(md(note))
if data.filters.active:
    st.info(f"The sidebar filter ({md(data.filters.describe())}) applies to the current data set only: trends show each "
            "round's whole team.")

c1, c2, c3 = st.columns(3)
c1.metric("Rounds", len(chosen_rounds), border=True)
c2.metric("Latest round", latest.label, help=latest.survey_date.isoformat(), border=True)
c3.metric("Respondents in the latest round", latest.respondents, border=True)

st.plotly_chart(trend_chart("lines", trend), key="trend-lines", config={"displaylogo": False})
st.caption(f"Each panel is one skill area; the dashed line is its target. The number under each mean is n, the "
           f"ratings it rests on (N/A answers are never counted). {privacy}")

if len(chosen_rounds) < 2:
    st.info("Save a second round to see what changed since the last one.")
else:
    st.subheader("This round against the last")
    ids = [r.id for r in chosen_rounds]
    left, right = st.columns(2)
    if st.session_state.get(K_CURRENT) not in ids[1:]:
        st.session_state[K_CURRENT] = ids[-1]
    current = left.selectbox("This round", ids[1:], key=K_CURRENT, format_func=lambda i: by_id[i].title)
    earlier = ids[: ids.index(current)]
    if st.session_state.get(K_PREVIOUS) not in earlier:
        st.session_state[K_PREVIOUS] = earlier[-1]
    previous = right.selectbox("Against", earlier, key=K_PREVIOUS, format_func=lambda i: by_id[i].title)
    pair = trend_of(fw, targets, k, rescale, [previous, current])
    radar_col, words_col = st.columns([1.2, 1])
    with radar_col:
        st.plotly_chart(trend_chart("radar", pair), key="trend-radar", config={"displaylogo": False})
        st.caption(f"Solid: {md(by_id[current].title)}; dashed: {md(by_id[previous].title)}; dotted: the target. "
                   "An area with no point is hidden or has no ratings in that round.")
    with words_col:
        st.markdown("**What changed**")
        st.markdown("\n".join(f"- {line}" for line in change_summary(pair)))
    table = change_table(pair)
    number_cols = {c: st.column_config.NumberColumn(format="%.2f") for c in table.columns if c.endswith(" mean")}
    st.dataframe(table, hide_index=True, key="trend-change-table",
                 column_order=[c for c in table.columns if c != "Category"],
                 column_config=number_cols | {"Skill area": st.column_config.TextColumn(width="medium"),
                                              "Caution": st.column_config.TextColumn(width="large")})
    cautions = int(pair["small_n"].sum())
    st.caption(
        "▲ up, ▼ down, ► no change (under 0.005 levels). At or above target: people rating at or above the "
        "area's target, before → now. "
        + (f"{cautions} change(s) rest on fewer than {SMALL_N} ratings in a round: with so few people, a shift "
           "of a few tenths can be one person answering differently. " if cautions else "")
        + privacy
    )

export = trend.drop(columns=["round_index", "order"]).assign(survey_date=trend["survey_date"].dt.date)
st.download_button("Download the trend table (CSV)", lambda: to_csv_bytes(export), file_name="trend.csv",
                   mime="text/csv", key="trend-download", on_click="ignore")  # written on click
