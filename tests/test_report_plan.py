"""The growth plan as a one-page PDF, read back with pypdf: one US Letter page, the person's numbers and steps,
their focus and note as plain text, nobody else's name, and the worst cases still on one page."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from framework.definitions import get_framework
from framework.descriptors import descriptors
from framework.growth import focus_choice, growth_plan
from framework.growth_library import Step, builtin_growth, parse_growth, to_toml
from framework.importer import read_survey
from framework.report_plan import build_plan_pdf
from framework.scales import get_scale
from framework.targets import TargetSet, default_targets
from tests.conftest import SAMPLE

FW, OLD = get_framework("cosn-2018"), get_framework("cosn-2009")
P4 = get_scale("1-4")
LETTER = (612, 792)  # points


def make(ratings, framework=FW, targets=None, role_id="", library=None, **kw):
    return growth_plan(ratings, framework, P4, targets or TargetSet(), role_id, library or builtin_growth(),
                       descriptors(framework, P4), **kw)


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def one_letter_page(reader: PdfReader) -> None:
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == LETTER


#          LV  SP  EP     IF  TB  IT  CS    BM  DM  DPS
RATINGS = dict(zip(FW.area_ids, [1, 2, "n/a", 4, 3, 1, None, 2, 3, 2]))
PREVIOUS = {"leadership-vision": 2, "strategic-planning": 1, "instructional-focus-pd": 4}


def test_the_plan_is_one_page_with_the_persons_numbers_steps_and_focus():
    plan = make(RATINGS, targets=default_targets(), role_id="data-manager", previous=PREVIOUS)
    focus = focus_choice(["data-privacy-security", "leadership-vision"], "Ask Sam about the SIS course.", FW)
    reader, text = read(build_plan_pdf(plan, "Jordan Reyes", "Spring 2027", focus, made_on="April 2, 2027"))
    one_letter_page(reader)
    assert "Jordan Reyes" in text and "Spring 2027 · April 2, 2027" in text
    assert "Role targets: Data / SIS Manager" in text
    # the table: rating, target, gap and change per area (data manager: LV 2, SP 2, IT 3, DM 4, DPS 4)
    assert "Leadership and Vision 1 Beginning 2 Developing 1 below ▼ down 1 level" in text
    assert "Strategic Planning 2 Developing 2 Developing at target ▲ up 1 level" in text
    assert "Ethics and Policies not part of my role 3 Proficient –" in text
    assert "Information Technology Management 1 Beginning 3 Proficient 2 below" in text
    assert "Data Privacy and Security 2 Developing 4 Advanced 2 below" in text
    # the largest gaps: IT (2), DPS (2), then LV / DM (1, framework order): LV
    assert [g.area_id for g in plan.gaps] == ["it-management", "data-privacy-security", "leadership-vision"]
    assert "1. Information Technology Management: 2 levels below target" in text
    for gap in plan.gaps:
        assert gap.next_descriptor in text
        for step in gap.steps:
            assert f"{step.kind_label}: {step.text}" in text
    assert "Also below target: Data Management (1 level below target)." in text
    assert "Focus areas: Leadership and Vision; Data Privacy and Security." in text
    assert "My note: Ask Sam about the SIS course." in text
    # strengths, with the mentoring step where the person is at the top
    assert "Instruction & PD, mentoring: " + builtin_growth().steps_for("instructional-focus-pd", 4)[0].text in text
    assert reader.metadata.title == "Growth plan: Jordan Reyes"


def test_the_pdf_names_nobody_else():
    tidy = read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW, scale="1-4", targets=default_targets()).ratings
    people = tidy.drop_duplicates("respondent")
    me = people.iloc[3]
    rows = tidy[tidy["respondent"] == me["respondent"]]
    team = pd.DataFrame({"mean": [2.4] * 10, "n": [12] * 10}, index=FW.area_ids)
    plan = make(rows, targets=default_targets(), role_id=str(me["role_id"]), team=team)
    reader, text = read(build_plan_pdf(plan, str(me["name"]), "Fall 2026", None, made_on="2026-10-20"))
    one_letter_page(reader)
    assert str(me["name"]) in text
    others = [str(n) for n in people["name"] if str(n) != str(me["name"])]
    assert len(others) > 20
    for name in others:
        assert name not in text
        for part in name.split():
            if len(part) > 3 and part not in str(me["name"]):
                assert not re.search(rf"\b{re.escape(part)}\b", text), part
    emails = [str(e) for e in people["email"].dropna()]
    assert not any(e in text for e in emails)
    assert "No focus areas chosen yet." in text
    assert "2.4 (n=12)" in text


def test_names_and_notes_are_set_as_text_not_markup():
    plan = make(RATINGS)
    name = "**Alex** <b>Kim</b> __{nb}__"
    note = "**Not bold** and --not struck-- <i>nor italic</i>\nSecond line\x07 with a bell."
    reader, text = read(build_plan_pdf(plan, name, "<Round> **1**", focus_choice([], note), made_on="today"))
    one_letter_page(reader)
    assert name in text
    assert "<Round> **1**" in text
    assert "**Not bold** and --not struck-- <i>nor italic</i> Second line with a bell." in text


def test_without_the_dejavu_font_the_page_is_latin1_with_words_for_the_arrows(tmp_path):
    plan = make(RATINGS, previous=PREVIOUS)
    reader, text = read(build_plan_pdf(plan, "Zoë Ångström–Ng", "Spring 2027", None, made_on="2027-04-02",
                                       font_dir=tmp_path))
    one_letter_page(reader)
    assert "Zoë Ångström-Ng" in text
    assert "down 1 level" in text and "▼" not in text and "?" not in text


def _long_library():
    """An admin's library at every limit: four steps of 400 characters below the top, three at the top."""
    lib = builtin_growth()
    long = "Work through this step with your supervisor and write down what you learn each week. " * 5
    long = long[:400].rstrip()
    areas = []
    for a in lib.areas:
        steps = {lv: tuple(Step(kind=k, text=long) for k in ("shadowing", "course", "community", "stretch"))
                 for lv in (1, 2, 3)}
        steps[4] = tuple(Step(kind=k, text=long) for k in ("mentoring", "leading", "mentoring"))
        areas.append(a.model_copy(update={"steps": steps}))
    return parse_growth(to_toml(lib.model_copy(update={"areas": tuple(areas)})))


@pytest.mark.parametrize("framework", [FW, OLD], ids=["cosn-2018", "cosn-2009"])
@pytest.mark.parametrize("case", ["all below", "all at the top", "long library"])
def test_the_worst_cases_still_fit_on_one_page(framework, case):
    level = 4 if case == "all at the top" else 1
    ratings = dict.fromkeys(framework.area_ids, level)
    library = _long_library() if case == "long library" else None
    team = pd.DataFrame({"mean": [2.123] * 10, "n": [123] * 10}, index=framework.area_ids)
    previous = dict.fromkeys(framework.area_ids, "n/a")
    plan = make(ratings, framework=framework, targets=TargetSet(default=4 if level == 1 else 3), library=library,
                previous=previous, team=team)
    focus = focus_choice(framework.area_ids[:3], "A long note that uses every character allowed. " * 21 + "x" * 13,
                         framework)
    assert len(focus.note) == 1000
    name = "Maximilian Alexander Featherstonehaugh-Wolfeschlegelsteinhausen"
    reader, text = read(build_plan_pdf(plan, name, "Spring semester 2027, second district-wide round", focus,
                                       made_on="2027-04-02"))
    one_letter_page(reader)
    assert name in text
    assert focus.note.split(".")[0] in text
    if case == "all at the top":
        assert len(plan.strengths) == 10 and plan.gaps == ()
        assert "Every area you rated is at or above your role's target." in text
    else:
        assert len(plan.gaps) == 3
        for gap in plan.gaps:
            assert gap.steps[0].text[:60] in text
