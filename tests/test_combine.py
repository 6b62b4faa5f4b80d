"""Several files as one team: never averaged across scales unless rescaled explicitly."""

from __future__ import annotations

import pytest

from framework.aggregate import area_summary
from framework.combine import ScaleMismatchError, combine, rescale_map
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.scales import get_scale
from framework.targets import default_targets

FW = get_framework()
A = b"Name,Email,Leadership and Vision\nAnn,ann@x.org,3\nBo,bo@x.org,4\nCy,cy@x.org,2\n"
B_SAME = b"Name,Email,Leadership and Vision\nDee,dee@x.org,1\nEd,ed@x.org,3\n"
B_FIVE = b"Name,Email,Leadership and Vision\nDee,dee@x.org,5\nEd,ed@x.org,Agree\nFay,fay@x.org,2\n"


def test_rescale_map_is_linear_and_rounds_half_up():
    """1–5 to 1–4: 1→1, 2→2 (1.75), 3→3 (2.5), 4→3 (3.25), 5→4; and back 3 of 4 → 4 of 5 (3.67)."""
    assert rescale_map(get_scale("1-5"), get_scale("1-4")) == {1: 1, 2: 2, 3: 3, 4: 3, 5: 4}
    assert rescale_map(get_scale("1-4"), get_scale("1-5")) == {1: 1, 2: 2, 3: 4, 4: 5}


def test_files_on_one_scale_combine():
    """Two 1–4 files make one team of five; means are over everyone."""
    both = combine([read_survey(A, "a.csv", FW), read_survey(B_SAME, "b.csv", FW)])
    lv = area_summary(both.ratings, FW, both.scale, default_targets()).loc["leadership-vision"]
    assert lv["n"] == 5 and lv["mean"] == pytest.approx((3 + 4 + 2 + 1 + 3) / 5)
    assert set(both.ratings["source"].astype(str)) == {"a.csv", "b.csv"}
    assert both.rescaled == {}


def test_different_scales_are_refused_without_a_rescale():
    """A 1–4 file and a 1–5 file are not averaged as they are."""
    five = read_survey(B_FIVE, "b.csv", FW)
    assert five.scale.id == "1-5"
    with pytest.raises(ScaleMismatchError, match="different rating scales"):
        combine([read_survey(A, "a.csv", FW), five])


def test_explicit_rescale_is_applied_and_shown():
    """Rescaling the 1–5 file to 1–4 maps 5→4, Agree (4)→3, 2→2, and says so."""
    both = combine([read_survey(A, "a.csv", FW), read_survey(B_FIVE, "b.csv", FW)], rescale_to=get_scale("1-4"))
    assert both.scale.id == "1-4"
    assert both.rescaled == {"b.csv": {1: 1, 2: 2, 3: 3, 4: 3, 5: 4}}
    assert any("b.csv was rescaled" in n and "5→4" in n for n in both.notes)
    b = both.ratings[both.ratings["source"] == "b.csv"].set_index("name")["rating"]
    assert b.to_dict() == {"Dee": 4, "Ed": 3, "Fay": 2}


def test_same_person_in_two_files_counts_once():
    """An email present in both files is counted once, from the file listed last."""
    again = b"Name,Email,Leadership and Vision\nAnn,ANN@x.org,1\n"
    both = combine([read_survey(A, "a.csv", FW), read_survey(again, "b.csv", FW)])
    ann = both.ratings[both.ratings["respondent"] == "email:ann@x.org"]
    assert ann["rating"].tolist() == [1] and ann["source"].astype(str).tolist() == ["b.csv"]
    assert both.ratings["respondent"].nunique() == 3
    assert any("more than one file" in n for n in both.notes)
