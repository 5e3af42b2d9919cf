"""snapshot.SnapshotWriter: the tables without a build stamp are written ahead and let go; the snapshot it
finishes is the one written all at once."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph import snapshot


def tables() -> tuple[dict[str, pa.Table], dict[str, pa.Table]]:
    vendor = snapshot.node_table_of_columns("Vendor", {"id": ["vendor:b", "vendor:a"], "name": ["B", "A"]})
    score = snapshot.node_table_of_columns(
        "ExposureScore", {"id": ["score:x"], "entity_id": ["craft:x"], "year": [2030], "build_id": ["?"]}
    )
    assert snapshot.STAMP in score.column_names and snapshot.STAMP not in vendor.column_names
    return {"Vendor": vendor, "ExposureScore": score}, {}


def test_written_ahead_let_go_and_finished_is_the_whole_snapshot(tmp_path):
    nodes, edges = tables()
    whole_hash = snapshot.content_hash(nodes, edges)
    with snapshot.SnapshotWriter(tmp_path / "home") as w:
        w.write_ahead(nodes, edges)
        w.let_go(nodes, edges)
        assert list(nodes) == ["ExposureScore"]  # the stamped one stays: it is written with the build id
        assert snapshot.content_hash(nodes, edges, known=w.digests()) == whole_hash
        w.write_rest(snapshot.stamp(nodes, "b1"), edges)
        assert w.rows == {"nodes": {"Vendor": 2, "ExposureScore": 1}, "edges": {}}
        assert pq.read_table(w.folder / "nodes" / "Vendor.parquet").equals(tables()[0]["Vendor"])
        assert pq.read_table(w.folder / "nodes" / "ExposureScore.parquet")["build_id"].to_pylist() == ["b1"]
        folder = w.folder
    assert not folder.exists()  # (not published: removed on leaving)


def test_a_failed_write_ahead_keeps_its_table_and_is_raised_when_finishing(tmp_path, monkeypatch):
    def refuse(*_a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "write_table", refuse)
    nodes, edges = tables()
    with snapshot.SnapshotWriter(tmp_path / "home") as w:
        w.write_ahead(nodes, edges)
        w.let_go(nodes, edges)
        assert "Vendor" in nodes
        with pytest.raises(OSError, match="No space"):
            w.digests()
