"""What public sources take from the curated catalog: the source ids nodes may cite, and the ids a
curated mapping file names (which Epoch models and AIID incidents become nodes)."""

from __future__ import annotations

from pathlib import Path

from graph.tables import Problem
from ingest.base import Context
from ingest.reader import LINE, read_table


def known_sources(ctx: Context) -> set[str]:
    """Source ids defined by the catalog's sources*.csv files (so nodes only cite sources that exist).
    The catalog reader reports problems in those files; here they only mean fewer known ids."""

    def make() -> set[str]:
        out: set[str] = set()
        for p in sorted(ctx.catalog_dir.glob("sources*.csv")):
            df = read_table(p, ["id"], [])
            if df is not None:
                out |= set(df["id"])
        return out

    return ctx.cached("catalog_sources", make)


def cite(ctx: Context, source_id: str, entry: dict) -> list[str] | None:
    """[source_id] when the catalog defines it; else None, with a note in the manifest entry."""
    if source_id in known_sources(ctx):
        return [source_id]
    entry["notes"].append(f"{source_id} is not in the catalog's sources*.csv: nodes carry no source_ids")
    return None


def mapping_ids(catalog: Path, kind: str, col: str, problems: list[Problem]) -> dict[str, list[tuple[str, int]]]:
    """{id: [(file, line)]} of the ids named in column `col` of the catalog's KIND.csv and KIND.*.csv
    files ({} when there are none)."""
    out: dict[str, list[tuple[str, int]]] = {}
    main = catalog / f"{kind}.csv"
    for path in ([main] if main.exists() else []) + sorted(catalog.glob(f"{kind}.*.csv")):
        df = read_table(path, [col], problems)
        if df is None:
            continue
        for ident, line in zip(df[col], df[LINE], strict=True):
            if ident:
                out.setdefault(ident, []).append((str(path), int(line)))
    return out
