"""Frames to Arrow (graph.snapshot.to_arrow): the column fast path gives what the value-by-value rule gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from graph import snapshot


def by_value(values: pd.Series, typ: pa.DataType) -> pa.Array:
    """The rule: None, NaN and NA are nulls; an integer column takes int() of each value; lists stay lists."""
    if pa.types.is_list(typ):
        return pa.array([v if isinstance(v, (list, tuple)) else None for v in values], type=typ)
    out = []
    for v in values:
        missing = v is None or (not isinstance(v, (list, tuple, str)) and bool(pd.isna(v)))
        out.append(None if missing else (int(v) if pa.types.is_integer(typ) else v))
    return pa.array(out, type=typ)


CASES = [
    (pd.Series(["a", None, "c", np.nan]), pa.string()),
    (pd.Series(["a", "b"], dtype="string[pyarrow]"), pa.string()),
    (pd.Series(["x", pd.NA], dtype="string"), pa.string()),
    (pd.Series([1.5, np.nan, 2.0]), pa.float64()),
    (pd.Series([1, 2, 3]), pa.float64()),
    (pd.Series([0.25, None], dtype=object), pa.float64()),
    (pd.Series([1, 2, 3]), pa.int64()),
    (pd.Series([1.0, np.nan, 3.0]), pa.int64()),
    (pd.Series([2.7, -1.5]), pa.int64()),  # int() truncates
    (pd.Series(["5", None, 7], dtype=object), pa.int64()),  # mixed objects: value by value
    (pd.Series([True, None, False], dtype=object), pa.bool_()),
    (pd.Series([True, False]), pa.bool_()),
    (pd.Series([["a", "b"], None, ("c",), np.array(["d"])], dtype=object), pa.list_(pa.string())),
    (pd.Series([], dtype=object), pa.string()),
]


@pytest.mark.parametrize(("values", "typ"), CASES, ids=[f"{c[0].dtype}->{c[1]}" for c in CASES])
def test_a_column_converts_as_value_by_value(values, typ):
    got = snapshot.to_arrow(pd.DataFrame({"c": values}), pa.schema([pa.field("c", typ)])).column("c")
    assert got.combine_chunks().equals(by_value(values, typ))


def test_a_value_that_does_not_fit_is_an_error_still():
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        snapshot.to_arrow(pd.DataFrame({"c": [1, "x"]}), pa.schema([pa.field("c", pa.string())]))


def test_score_tables_from_value_lists_are_the_ones_from_frames(fixture_home):
    """The build turns the scores' value lists into Arrow tables directly (snapshot.*_table_of_columns):
    the same tables as through the pandas frames score_tables gives."""
    import graph
    from graph.exposure import api
    from graph.tables import WHERE

    g = graph.load(home=fixture_home)
    nodes, edges = api.score_columns(g.nodes, g.edges, "b", draws=32, seed=2)
    frames_n, frames_e = api.score_tables(g.nodes, g.edges, "b", draws=32, seed=2)
    assert nodes and edges.keys() == frames_e.keys() and "REACHES" in edges
    for k, cols in nodes.items():
        direct = snapshot.node_table_of_columns(k, {c: v for c, v in cols.items() if c != WHERE})
        via = snapshot.node_table(k, frames_n[k].drop(columns=[WHERE]))
        assert direct.num_rows and direct.equals(via), k
    for k, cols in edges.items():
        direct = snapshot.edge_table_of_columns(k, {c: v for c, v in cols.items() if c != WHERE})
        via = snapshot.edge_table(k, frames_e[k].drop(columns=[WHERE]))
        assert direct.num_rows and direct.equals(via), k


def test_value_lists_with_a_column_the_schema_lacks_are_refused():
    with pytest.raises(ValueError, match="not in the schema: \\['colour'\\]"):
        snapshot.node_table_of_columns("Vendor", {"id": ["vendor:a"], "colour": ["red"]})
