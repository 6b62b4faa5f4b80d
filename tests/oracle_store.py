"""framework/store.py's frames in and out as they were before the speed work of issue 13 (main at 9127e3a),
frozen as a test oracle: what a round stored (rating_rows) and how it read back (load_ratings,
tidy_from_rows). test_store_equivalence.py requires today's store to write and read the same rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framework.scales import RATED, STATUSES


def _text_column(values: pd.Series) -> np.ndarray:
    """A text column as an object array of stripped strings ("" for missing), converting each distinct
    value once (the tidy frame's text columns are categoricals)."""
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    cats = np.asarray(cat.cat.categories.astype("string").str.strip().fillna(""), dtype=object)
    codes = cat.cat.codes.to_numpy()
    out = np.append(cats, "")[np.where(codes < 0, len(cats), codes)] if len(codes) else np.array([], dtype=object)
    return out.astype(object)


def rating_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    """The columns a round stores, from a tidy frame: the respondent key becomes ``p0001``… in the
    order people appear (no survey-tool id reaches the database); the email in lower case, so that a
    signed-in person can find their own ratings."""
    codes, uniques = pd.factorize(tidy["respondent"], sort=False)
    width = max(4, len(str(len(uniques))))
    keys = np.array([f"p{i + 1:0{width}d}" for i in range(len(uniques))], dtype=object)
    status = _text_column(tidy["status"])
    rating = tidy["rating"].astype("Int64").to_numpy(dtype="float64", na_value=np.nan)
    rating[status != RATED] = np.nan  # a rating exists exactly when the cell was rated
    blank = np.full(len(tidy), "", dtype=object)
    return pd.DataFrame({
        "respondent": keys[codes] if len(codes) else np.array([], dtype=object),
        "name": _text_column(tidy["name"]) if "name" in tidy else blank,
        "role": _text_column(tidy["role"]) if "role" in tidy else blank,
        "group": _text_column(tidy["group"]) if "group" in tidy else blank,
        "area_id": _text_column(tidy["area_id"]),
        "rating": pd.array(rating, dtype="Float64").astype("Int64"),
        "status": status,
        # (the one change since this copy was frozen: np.char.lower cut off an email whose lower case is
        # longer, "İlker@x.org" as "i̇lker@x.or"; every email is lower-cased whole, as a signed-in one is)
        "email": (np.array([t.lower() for t in _text_column(tidy["email"])], dtype=object) if "email" in tidy
                  and len(tidy) else blank),
    })


def _categorical(values) -> pd.Categorical:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=False)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype="string"))


def tidy_from_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored rows back to the importer's tidy frame (categorical text, Int64 rating)."""
    n = len(frame)
    empty = pd.Categorical.from_codes(np.zeros(n, dtype="int8"), categories=pd.Index([""], dtype="string"))
    rating = np.array(frame["rating"].to_numpy(dtype=object), dtype="float64") if n else np.array([], dtype="float64")
    return pd.DataFrame({
        "respondent": _categorical(frame["respondent"]), "name": _categorical(frame["name"]),
        "email": _categorical(frame["email"]) if "email" in frame else empty,
        "role": _categorical(frame["role"]), "role_id": empty, "group": _categorical(frame["group"]),
        "area_id": _categorical(frame["area_id"]),
        "rating": pd.array(rating, dtype="Float64").astype("Int64"),
        "status": pd.Categorical(np.asarray(frame["status"], dtype=object), categories=STATUSES),
        "row": np.zeros(n, dtype="int64"), "column": empty,
    })


def load_ratings(store, round_id: int) -> pd.DataFrame:
    """Store.load_ratings as it was: every row fetched at once, then tidy_from_rows."""
    mark = "%s" if store.backend == "postgresql" else "?"
    sql = (f"SELECT respondent, name, role, group_name, area_id, rating, status, email FROM ratings "
           f"WHERE round_id = {mark} ORDER BY respondent, area_id")
    with store.engine.connect() as conn:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, (int(round_id),))
            rows = cursor.fetchall()
        finally:
            cursor.close()
    columns = ["respondent", "name", "role", "group", "area_id", "rating", "status", "email"]
    return tidy_from_rows(pd.DataFrame.from_records(rows, columns=columns))
