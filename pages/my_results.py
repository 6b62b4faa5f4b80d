"""My results (everyone signed in): the person's own ratings from their latest saved round against their role's
targets, the team's anonymous figures beside them where the publication shows them, the change since their
previous round, their supervisor's rating where the round asked for one, and a growth plan: the largest gaps
with next steps from the professional-learning library, up to three chosen focus areas and a note, and a
one-page PDF. Nothing of anyone else's."""

import streamlit as st

from framework import campaigns, personal, state
from framework.access import VIEW_OWN
from framework.campaigns import SUPERVISOR
from framework.descriptors import descriptors, mapping_note
from framework.growth import FOCUS_MAX_AREAS, FOCUS_NOTE_MAX, FocusError, focus_choice, growth_plan, suggested_focus
from framework.growth_figures import plan_figure
from framework.publication.audit import AuditTooLarge
from framework.report_plan import build_plan_pdf
from framework.scales import get_scale
from framework.store import StoreError
from ui.auth import require
from ui.shared import (
    district_k,
    framework_choices,
    md,
    round_ratings,
    round_series,
    targets,
)
from ui.store import store_or_stop

viewer = require(VIEW_OWN)
st.title("My results")
store = store_or_stop()

try:
    found = personal.my_rounds(store, viewer.email, viewer.name, load=round_ratings)
except StoreError as exc:
    st.error(md(str(exc)))
    st.stop()
if not found:
    if viewer.email and campaigns.invited_to(store, viewer.email):
        st.info("Your results and growth plan appear here once the survey round you are taking has closed. "
                "Your answers are on the Self-assessment page.")
    else:
        st.info("No saved survey round has your ratings yet. When your team's survey has been saved, your own "
                "ratings and a growth plan appear here (and only yours).")
    st.stop()

latest = found[0]
rnd, rows = latest.round, latest.rows
fw = personal.round_framework(store, rnd, framework_choices())
if fw is None:
    st.warning(md(f"{rnd.title} was answered on a framework ({rnd.framework_id}) this dashboard no longer has, "
                  "so no growth plan can be drawn from it. Ask your district's administrator."))
    st.stop()
scale = get_scale(rnd.scale_id)
tg = targets()
role = str(rows["role"].iloc[0]) if "role" in rows and rows["role"].notna().any() else ""
role_id = str(tg.match_roles(rows["role"].astype("string").iloc[:1]).iloc[0] or "")
k = district_k()

team, team_people = None, None
try:
    pub = round_series(fw, scale.id, k, rnd.id)
    if pub is not None:
        team, team_people = personal.team_figures(pub.areas()), pub.team.people
except (StoreError, AuditTooLarge):  # the plan stands without the team's figures; the page says so
    team = None
prev, prev_rows = personal.previous_self(store, found, fw, scale, viewer.email)
c = campaigns.for_round(store, rnd.id)
supervisor = campaigns.submitted_answers(store, c.id, viewer.email, SUPERVISOR) if c and c.supervisor_ratings \
    else None
library = state.growth_library(store)
words = descriptors(fw, scale)
plan = growth_plan(personal.self_ratings(store, latest, viewer.email), fw, scale, tg, role_id, library, words,
                   previous=prev_rows, team=team)

st.caption(md(f"{rnd.title} · your role as the survey gave it: {role or 'not stated'} (targets of "
              f"{plan.role_name}) · {fw.title} · scale {scale.name}. Only you and your district's admins can see "
              "this page's ratings."))
st.markdown(md(plan.summary()))

st.subheader("Area by area", anchor=False)
fig = plan_figure(plan, scale, supervisor, team_people)
st.plotly_chart(fig, key="my-chart", config={"displaylogo": False})
table = plan.table()
if supervisor is not None:
    table.insert(2, "Your supervisor's rating",
                 [personal.supervisor_text(supervisor.get(a.area_id), scale) for a in plan.areas])
st.table(table.set_index("Skill area"))  # plain HTML: read the same by every screen reader
notes = []
if plan.has_team:
    notes.append(f"Team mean: the anonymous figure of everyone in {rnd.label} ({team_people} people), hidden where "
                 f"it would rest on fewer than {k} people.")
else:
    notes.append("The team's figures are not available for this round.")
if plan.has_previous:
    notes.append(f"Since last round: compared with {prev.round.title}"
                 + (f", converted from the {get_scale(prev.round.scale_id).name} scale" if prev.round.scale_id != scale.id
                    else "") + ".")
if supervisor is not None:
    notes.append("Your supervisor's rating is shown to you and to your district's admins only.")
elif c is not None and c.supervisor_ratings:
    notes.append("Your supervisor has not submitted a rating of you for this round.")
st.caption(md(" ".join(notes)))

st.subheader("My growth plan", anchor=False)
if note := mapping_note(fw, scale):
    st.caption(md(note))
if not plan.gaps:
    st.success("You are at or above your role's target in every skill area you rated.")
for a in plan.gaps:
    with st.container(border=True):
        st.markdown(f"**{md(a.name)}**: {md(a.gap_text)} (you: {md(a.rating_text)}; target: {md(a.target_text)})")
        if a.next_descriptor:
            looks = a.next_descriptor.removeprefix(f"{scale.label_of(a.next_level)}: ")
            st.markdown(md(f"What {a.next_level_text} looks like: {looks}"))
        if a.steps:
            st.markdown("Next steps:\n" + "\n".join(f"- {md(s.kind_label)}: {md(s.text)}" for s in a.steps))
        else:
            st.caption("The professional-learning library has no suggestions for this area yet; ask your "
                       "district's administrator.")
        if a.references:
            st.caption(md(a.references))
if plan.more_gaps:
    st.markdown(md("Also below your role's target: " + "; ".join(f"{a.name} ({a.gap_text})" for a in plan.more_gaps)
                   + "."))
if plan.strengths:
    st.markdown(md("Your strengths (at or above target): " + "; ".join(f"{a.name} ({a.rating_text})"
                                                                        for a in plan.strengths) + "."))
    for a in plan.strengths:
        if a.mentoring_steps:
            st.markdown(f"At the top in {md(a.name)}: " + " ".join(
                f"{md(s.kind_label)}: {md(s.text)}" for s in a.mentoring_steps))

st.subheader("My focus for next round", anchor=False)
before = campaigns.focus_of(store, viewer.email, prev.round.label) if prev is not None else None
if before and before["areas"]:
    names = [fw.area(x).name for x in before["areas"] if x in fw.area_ids]
    st.caption(md(f"After {prev.round.label} you chose: {', '.join(names) or 'no areas of this framework'}."))
mine = campaigns.focus_of(store, viewer.email, rnd.label)
default = [x for x in (mine["areas"] if mine else suggested_focus(plan)) if x in fw.area_ids]
with st.form("focus-form", border=True):
    chosen = st.multiselect(f"Up to {FOCUS_MAX_AREAS} skill areas to work on", fw.area_ids, default=default,
                            format_func=lambda x: fw.area(x).name, max_selections=FOCUS_MAX_AREAS, key="focus-areas")
    note = st.text_area("A note for yourself (optional; kept for next round, seen only by you and your district's "
                        "admins)", value=mine["note"] if mine else "", max_chars=FOCUS_NOTE_MAX, key="focus-note")
    saved = st.form_submit_button("Save my focus", type="primary")
if saved:
    me = require(VIEW_OWN)
    try:
        choice = focus_choice(chosen, note, fw)
        campaigns.save_focus(store, me.email, rnd.label, list(choice.areas), choice.note)
    except (FocusError, StoreError) as exc:
        st.error(md(str(exc)))
    else:
        st.success(md("Saved: " + (", ".join(choice.names(fw)) or "no focus areas") + ". Your district's "
                      "administrator sees the focus areas the team chose, to plan professional learning."))
        mine = {"areas": list(choice.areas), "note": choice.note}

focus = None
if mine:
    try:
        focus = focus_choice([x for x in mine["areas"] if x in fw.area_ids], mine["note"], fw)
    except FocusError:
        focus = None
# made on click (outside the script): setting one page of type takes a few passes, not for every rerun
st.download_button("Download my growth plan (PDF, one page)",
                   lambda: build_plan_pdf(plan, viewer.name or viewer.email, rnd.title, focus),
                   file_name="my-growth-plan.pdf", mime="application/pdf", icon=":material/download:",
                   key="plan-pdf", on_click="ignore")
