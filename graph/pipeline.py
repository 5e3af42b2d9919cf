"""The build: catalog (+ public sources) → validated node and edge tables → a snapshot, atomically.

The only module of the core that reads the sources (ingest/): everything else in graph/ works on the
tables (graph.tables) or on a snapshot."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import embedded, resources, settings, snapshot
from graph.schema import SCHEMA_VERSION
from graph.tables import WHERE, InputError, Problem, TableBuilder, Tables, merge
from graph.validate import validate_tables
from ingest.catalog import read_catalog

Progress = Callable[[str], None]
DEFAULT_CATALOG = Path("data/catalog")


def _quiet(_: str) -> None:
    pass


def resolve_catalog(path: str | Path | None) -> Path:
    """The catalog to read: `path` when given, else ./data/catalog when it exists, else the one shipped
    with CraftGraph."""
    if path:
        return Path(path)
    if DEFAULT_CATALOG.is_dir():
        return DEFAULT_CATALOG
    return resources.catalog_dir()


def default_catalog() -> Path:
    """$CRAFTGRAPH_CATALOG, else `resolve_catalog(None)` (what the explorer builds from)."""
    return settings.current().catalog or resolve_catalog(None)


def default_sources() -> Path | None:
    """$CRAFTGRAPH_SOURCES, else none (a catalog-only build)."""
    return settings.current().sources


def ensure_snapshot(
    home: Path | None = None,
    catalog: Path | None = None,
    sources: Path | None = None,
    progress: Progress | None = None,
) -> tuple[Path, bool]:
    """The current snapshot of `home`, building one first when there is none: (path, built_now).

    Raises graph.tables.InputError (with every problem) when the inputs do not validate."""
    home = home or snapshot.default_home()
    try:
        return snapshot.current_dir(home), False
    except snapshot.SnapshotError:
        pass
    build(
        catalog or default_catalog(),
        home=home,
        sources=sources or default_sources(),
        progress=progress or _quiet,
    )
    return snapshot.current_dir(home), True


def collect(catalog: Path, sources: Path | None, progress: Progress = _quiet) -> tuple[Tables, dict]:
    """Read and validate every input; raise InputError listing every problem."""
    problems: list[Problem] = []
    if not catalog.is_dir():
        raise InputError([Problem(str(catalog), None, "path", "catalog directory not found")])
    progress(f"reading the catalog in {catalog}")
    parts = [read_catalog(catalog, problems)]
    public_info: dict = {}
    if sources is not None:
        from ingest import registry  # the public sources (pandas, openpyxl, pooch) only when asked for

        if not sources.is_dir():
            raise InputError([Problem(str(sources), None, "path", "sources directory not found")])
        progress(f"reading public sources in {sources}")
        more, public_info = registry.read_all(sources, problems, progress=progress, catalog=catalog)
        parts += more
    tables = merge(parts)
    if sources is not None:
        reconcile_curated_occupations(tables, problems)
    progress("validating the graph")
    notes = validate_tables(tables, problems, public=sources is not None)
    tables.notes += notes
    if problems:
        raise InputError(_dedupe(problems))
    add_citations(tables)
    return tables, public_info


def reconcile_curated_occupations(t: Tables, problems: list[Problem]) -> None:
    """The catalog lists the occupations crafts map to, so a catalog-only build has them; with O*NET in
    the build, O*NET's node is kept. A curated title that disagrees with O*NET's is a problem."""
    occ = t.nodes.get("Occupation")
    if occ is None:
        return
    curated = occ["origin"] == "catalog"
    public = occ[~curated].drop_duplicates("id").set_index("id")
    for _, row in occ[curated & occ["id"].isin(public.index)].iterrows():
        title = public.at[row["id"], "title"]
        if str(row["title"]).strip().lower() != str(title).strip().lower():
            file, _, line = str(row[WHERE]).rpartition(":")
            problems.append(
                Problem(
                    file,
                    int(line) if line.isdigit() else None,
                    "title",
                    f"{row['title']!r} differs from O*NET's {title!r}",
                )
            )
    t.nodes["Occupation"] = occ[~(curated & occ["id"].isin(public.index))].reset_index(drop=True)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.row, p.field)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def add_citations(t: Tables) -> None:
    """CITES relationships from every node with `source_ids` to its sources."""
    tb = TableBuilder()
    for label, df in t.nodes.items():
        if label == "Source" or "source_ids" not in df.columns:
            continue
        for node_id, sids in zip(df["id"], df["source_ids"], strict=True):
            for sid in sids or ():
                tb.edge("CITES", node_id, label, sid, "Source")
    cites = tb.tables().edges.get("CITES")
    if cites is not None:
        t.edges["CITES"] = cites.drop_duplicates(subset=["src", "dst"]).reset_index(drop=True)


def input_files(catalog: Path, sources: Path | None, public_info: dict) -> list[dict]:
    """Every file the build read, with its sha256: the catalog's, and each public source's."""
    from pooch import file_hash  # (only a build hashes files; pooch takes ~0.2 s to import)

    out = []
    for p in sorted(f for f in catalog.glob("*.csv") if f.is_file()):
        out.append({"path": str(p), "sha256": file_hash(str(p)), "bytes": p.stat().st_size})
    for info in public_info.values():
        for f in info.get("files", []):
            out.append({**f, "path": str(sources / f["path"]), "source": info.get("source")})
    return out


def build(
    catalog: Path,
    home: Path | None = None,
    sources: Path | None = None,
    progress: Progress = _quiet,
    with_scores: bool = True,
) -> dict:
    """Build a snapshot into `home` and make it current. Returns its manifest."""
    home = home or snapshot.default_home()
    tables, public_info = collect(catalog, sources, progress)
    progress("converting tables")
    nodes = {k: snapshot.node_table(k, df.drop(columns=[WHERE], errors="ignore")) for k, df in tables.nodes.items()}
    edges = {k: snapshot.edge_table(k, df.drop(columns=[WHERE], errors="ignore")) for k, df in tables.edges.items()}
    if with_scores:
        nodes, edges = add_scores(nodes, edges, progress)

    with snapshot.home_lock(home, on_wait=progress):
        return _write_snapshot(home, nodes, edges, tables, catalog, sources, public_info, progress)


def _write_snapshot(
    home: Path,
    nodes: dict,
    edges: dict,
    tables: Tables,
    catalog: Path,
    sources: Path | None,
    public_info: dict,
    progress: Progress,
) -> dict:
    """Write the snapshot into a temporary folder of this build's own and publish it (under the home's
    lock). A failure removes that folder only, and leaves the previous snapshot current; a write that
    the system refuses (a full disk, no permission) is a one-line SnapshotError."""
    created = datetime.now(UTC)
    tmp = snapshot.temporary_dir(home, created)
    try:
        (home / "snapshots").mkdir(parents=True, exist_ok=True)
        content_hash = snapshot.content_hash(nodes, edges)
        build_id = f"{created.strftime('%Y%m%dT%H%M%SZ')}-{content_hash[:8]}"
        nodes, edges = snapshot.stamp(nodes, build_id), snapshot.stamp(edges, build_id)
        progress("writing tables")
        snapshot.write_tables(tmp, nodes, edges)
        progress("creating the embedded Cypher database")
        embedded.create_database(tmp / embedded.DB_FILE, nodes, edges)
        previous = _previous_manifest(home)
        manifest = _manifest(build_id, created, content_hash, nodes, edges, tables, catalog, sources, public_info)
        manifest["previous_build_id"] = previous.get("build_id") if previous else None
        if previous:
            from graph.diff import diff_snapshots, summary_lines

            progress("comparing with the previous snapshot")
            changes = diff_snapshots(snapshot.current_dir(home), tmp)
            (tmp / "diff.json").write_text(json.dumps(changes, indent=2, ensure_ascii=False) + "\n")
            manifest["changes"] = summary_lines(changes)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        progress("publishing the snapshot")
        snapshot.publish(home, tmp, build_id)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise snapshot.SnapshotError(
            f"could not write the snapshot into {home}: {e.strerror or e}; the previous snapshot is still current"
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _manifest(
    build_id: str,
    created: datetime,
    content_hash: str,
    nodes: dict,
    edges: dict,
    tables: Tables,
    catalog: Path,
    sources: Path | None,
    public_info: dict,
) -> dict:
    counts: dict[str, Any] = {
        "nodes": {k: v.num_rows for k, v in sorted(nodes.items())},
        "edges": {k: v.num_rows for k, v in sorted(edges.items())},
    }
    counts["total_nodes"] = sum(counts["nodes"].values())
    counts["total_edges"] = sum(counts["edges"].values())
    return {
        "build_id": build_id,
        "created": created.isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "content_hash": content_hash,
        "inputs": input_files(catalog, sources, public_info),
        "public_sources": public_info,
        "counts": counts,
        "notes": tables.notes,
    }


def _previous_manifest(home: Path) -> dict | None:
    try:
        return snapshot.read_manifest(snapshot.current_dir(home))
    except snapshot.SnapshotError:
        return None


def add_scores(nodes: dict, edges: dict, progress: Progress) -> tuple[dict, dict]:
    """Derived exposure scores, written into the snapshot when the engine is available."""
    try:
        from graph.exposure.api import score_tables
    except ImportError:
        return nodes, edges
    progress("computing exposure scores")
    frames_n = {k: v.to_pandas() for k, v in nodes.items()}
    frames_e = {k: v.to_pandas() for k, v in edges.items()}
    sn, se = score_tables(frames_n, frames_e)
    for k, df in sn.items():
        nodes[k] = snapshot.node_table(k, df)
    for k, df in se.items():
        edges[k] = snapshot.edge_table(k, df)
    return nodes, edges
