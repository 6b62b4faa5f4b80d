"""The store's speed work (issue 13) writes and reads the same rows as before, on SQLite and PostgreSQL.

``tests/oracle_store.py`` is framework/store.py's rating_rows and load_ratings as they were (main at
9127e3a). For imports with awkward text (quotes, commas, line breaks, white space, accents, letters whose
lower case is longer), several files read as one team, a rescaled file, a long layout and the synthetic
survey, the rows in the database are exactly the old rating_rows, and load_ratings gives exactly the old
tidy frame; the round says as many ratings and respondents as before.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from framework.access import normal_email
from framework.combine import combine
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.scales import RATED, get_scale
from framework.store import StoredRows, file_digest, rating_rows
from framework.targets import default_targets
from tests import oracle_store
from tests.conftest import SAMPLE
from tests.golden import synthetic
from tests.store_support import db_url_fixture, store_fixture  # noqa: F401  (fixtures)
from tests.test_import_equivalence import assert_same_frame

FW = get_framework()
AREAS = [a.name for a in FW.areas]
NAMES = ['  Ann "Nan" Lee ', "Bo, Jr.", "Cé\nLine", "", "İlker Şahin", "Dee\tTab", "Ed\\Back", "Fay 'F' O'Neil",
         "Gus", "Hal", "ÆSIR Ölund", "Ivy"]
EMAILS = ["ANN@X.ORG", "bo@x.org", "İLKER@X.ORG", "", "anonymous", "dee@X.org", " ed@x.org ", "FAY@x.org",
          "gus@x.org", "hal@x.org", "aesir@x.org", "ivy@x.org"]
ROLES = ["CTO ", " Help Desk", "Help Desk", "Network Administrator", "", "Data, SIS", 'Q"A', "CTO", "Intern",
         "Intern", "Intern", "CTO"]


def awkward_csv(seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Name", "Email", "Role", "School", *AREAS])
    answers = ["1", "2", "3", "4", "N/A", "", "7"]
    for i, (name, email, role) in enumerate(zip(NAMES, EMAILS, ROLES)):
        w.writerow([name, email, role, ["North", "South\nCampus", ""][i % 3],
                    *[answers[int(k)] for k in rng.integers(0, len(answers), len(AREAS))]])
    return out.getvalue().encode()


def result(data: bytes, name: str, scale: str = "auto"):
    return read_survey(data, name, FW, scale=scale, targets=default_targets())


def cases() -> dict:
    long = synthetic.long(60)
    return {
        "awkward": lambda: combine([result(awkward_csv(), "awkward.csv")]),
        "sample": lambda: combine([result(SAMPLE.read_bytes(), SAMPLE.name)]),
        "synthetic": lambda: combine([result(synthetic.wide(1500, seed=2), "w.csv")]),
        "long layout": lambda: combine([result(long, "long.csv")]),
        "two files": lambda: combine([result(awkward_csv(1), "a.csv"), result(synthetic.wide(40, seed=3), "b.csv")]),
        "rescaled": lambda: combine([result(awkward_csv(2), "a.csv", "1-5"), result(awkward_csv(3), "b.csv")],
                                    rescale_to=get_scale("1-4")),
    }


def stored(store, round_id: int) -> list[tuple]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT respondent, name, role, group_name, area_id, rating, status, email FROM ratings "
            "WHERE round_id = :r ORDER BY respondent, area_id"), {"r": round_id}).all()
    return [tuple(r) for r in rows]


def expected(tidy: pd.DataFrame) -> list[tuple]:
    old = oracle_store.rating_rows(tidy).sort_values(["respondent", "area_id"], kind="stable")
    rating = [None if pd.isna(v) else int(v) for v in old["rating"]]
    return [(p, n, r, g, a, v, s, e) for p, n, r, g, a, v, s, e in zip(
        old["respondent"], old["name"], old["role"], old["group"], old["area_id"], rating, old["status"], old["email"])]


@pytest.mark.parametrize("case", sorted(cases()))
def test_a_round_stores_and_reads_back_the_same_rows_as_before(store, case):
    combined = cases()[case]()
    digests = [file_digest(f"{case}{i}".encode()) for i in range(len(combined.results))]
    saved = store.save_round(combined, case, date(2026, 10, 1), digests).round
    rows = expected(combined.ratings)
    assert stored(store, saved.id) == rows
    old = oracle_store.rating_rows(combined.ratings)
    assert saved.ratings == len(rows) == len(combined.ratings)
    assert saved.respondents == int(old.loc[old["status"].eq(RATED), "respondent"].nunique())
    assert_same_frame(store.load_ratings(saved.id), oracle_store.load_ratings(store, saved.id), f"{case}: loaded")
    if case == "awkward":  # every email stored whole, lower-cased as a signed-in person's is looked up
        emails = {e for *_, e in stored(store, saved.id)}
        assert normal_email("İLKER@X.ORG") in emails and "i̇lker@x.org" in emails
        assert all(e == normal_email(e) for e in emails)


def test_the_stored_rows_at_once_are_the_old_rating_rows():
    """rating_rows (every row at once) and StoredRows' slices agree with the old function, also for an
    empty frame and one without the optional columns."""
    tidy = cases()["awkward"]().ratings
    pd.testing.assert_frame_equal(rating_rows(tidy), oracle_store.rating_rows(tidy), check_exact=True)
    bare = tidy.drop(columns=["name", "role", "group", "email"])
    pd.testing.assert_frame_equal(rating_rows(bare), oracle_store.rating_rows(bare), check_exact=True)
    empty = tidy.iloc[0:0]
    pd.testing.assert_frame_equal(rating_rows(empty), oracle_store.rating_rows(empty), check_exact=True)
    rows = StoredRows.of(tidy)
    sliced = [row for part in rows.python_slices(7) for row in part]
    assert [r[0] for r in sliced] == [7] * len(tidy)
    old = oracle_store.rating_rows(tidy)
    assert [r[6] for r in sliced] == [None if pd.isna(v) else int(v) for v in old["rating"]]
    assert [r[8] for r in sliced] == old["email"].tolist()


def test_a_round_larger_than_one_slice_is_stored_whole(store, monkeypatch):
    """Slices follow each other without a row lost or repeated (slices of 7 rows)."""
    monkeypatch.setattr("framework.store._SLICE", 7)
    combined = combine([result(awkward_csv(5), "s.csv")])
    saved = store.save_round(combined, "sliced", date(2026, 10, 1), [file_digest(b"s")]).round
    assert stored(store, saved.id) == expected(combined.ratings)
    assert_same_frame(store.load_ratings(saved.id), oracle_store.load_ratings(store, saved.id), "sliced: loaded")


def test_listing_the_rounds_counts_each_rounds_ratings_once(store, db_url):
    """Every page run lists the rounds: after a round's ratings are counted once (or known from its save),
    listing reads only the rounds table. The counts stay those of the database, also for a round another
    server saved, and a deleted round is gone."""
    from framework.store import Store

    first = store.save_round(combine([result(awkward_csv(1), "a.csv")]), "A", date(2026, 1, 1), ["a" * 64]).round
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with Store(db_url) as other:
        second = other.save_round(combine([result(awkward_csv(2), "b.csv")]), "B", date(2026, 2, 1), ["b" * 64]).round
    listed = store.list_rounds()
    counted = [q for q in seen if "ratings" in q]
    assert len(counted) == 1 and "count" in counted[0].lower()  # only B's, which another store saved
    seen.clear()
    assert store.list_rounds() == listed and store.get_round(first.id) == listed[0]
    assert not [q for q in seen if "ratings" in q]
    with store.engine.connect() as conn:
        truth = dict(conn.execute(sa.text("SELECT round_id, count(*) FROM ratings GROUP BY round_id")).all())
    assert {r.id: r.ratings for r in listed} == truth == {first.id: first.ratings, second.id: second.ratings}
    store.delete_round(first.id)
    assert [r.id for r in store.list_rounds()] == [second.id]
