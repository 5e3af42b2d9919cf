"""The build: catalog (+ public sources) → validated node and edge tables → a snapshot, atomically.

The only module of the core that reads the sources (ingest/): everything else in graph/ works on the
tables (graph.tables) or on a snapshot."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import memory, resources, settings, snapshot, views, workers
from graph.schema import SCHEMA_VERSION
from graph.tables import WHERE, InputError, Problem, Tables, edge_columns, merge
from graph.validate import validate_tables
from ingest.catalog import read_catalog

Progress = Callable[[str], None]
DEFAULT_CATALOG = Path("data/catalog")

# The catalog kinds a graph cannot do without: a catalog without one of them is refused (unless forced).
REQUIRED_KINDS = ("sources", "ai_types", "vendors", "tools", "capabilities", "departments", "crafts", "craft_tasks")
# A build is refused when it would drop more than this share of any node label of the current snapshot
# (labels with fewer than COLLAPSE_MIN_NODES nodes are not compared: a handful of rows may well go).
COLLAPSE_SHARE = 0.5
COLLAPSE_MIN_NODES = 10
DERIVED_LABELS = ("ExposureScore",)  # computed after the check (they follow the labels compared)
FORCE_HINT = "--force builds anyway"
CATALOG_ONLY_NOTICE = (
    "catalog-only build: the public datasets (O*NET, BLS, ...) were not found, so occupations, tasks and "
    "scores cover the curated catalog only; `craftgraph fetch` then `craftgraph build` gives the full numbers"
)


class BuildRefused(snapshot.SnapshotError):
    """A build that cannot be right, refused before anything was written: the current snapshot is unchanged."""


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


@dataclass(frozen=True)
class SourcesChoice:
    """The public sources a build reads (None: catalog-only) and why they were chosen."""

    path: Path | None
    reason: str

    @property
    def catalog_only(self) -> bool:
        return self.path is None


def sources_available(path: Path | None) -> bool:
    """Whether `path` holds every file data/sources.yaml pins (by name; the build checks the content)."""
    if path is None or not Path(path).is_dir():
        return False
    from ingest import sources_file

    return all((Path(path) / f.path).is_file() for f in sources_file.load(sources_file.SOURCES_YAML).select(None))


def choose_sources(home: Path, given: Path | None = None, drop: bool = False) -> SourcesChoice:
    """The sources of a build that names none: the ones given; none when `drop`; else the first available
    of $CRAFTGRAPH_SOURCES, the current snapshot's sources (a rebuild keeps them), the shared data
    directory ($CRAFTGRAPH_SHARED_DATA or ../shared/data) and the `craftgraph fetch` cache (these two
    unless CRAFTGRAPH_FIND_SOURCES=0); else none."""
    if given is not None:
        return SourcesChoice(Path(given), "given")
    if drop:
        return SourcesChoice(None, "dropped (--no-sources)")
    from ingest.base import shared_data_dir

    previous = _previous_manifest(home) or {}
    candidates = [
        (settings.current().sources, "$CRAFTGRAPH_SOURCES"),
        (Path(previous["sources_dir"]) if previous.get("sources_dir") else None, "the current snapshot's sources"),
    ]
    if settings.current().find_sources:
        candidates += [(shared_data_dir(), "the shared data directory"), (settings.fetch_cache(), "the fetch cache")]
    for path, reason in candidates:
        if sources_available(path):
            return SourcesChoice(path, reason)
    return SourcesChoice(None, "none available")


def catalog_refusal(catalog: Path) -> str | None:
    """Why `catalog` cannot make a graph (no catalog files, a required kind missing), or None."""
    from ingest.catalog import CATALOG_FILES, files_for

    present = {spec.kind for spec in CATALOG_FILES if files_for(catalog, spec.kind)}
    if not present:
        return f"{catalog} holds no catalog files (e.g. tools.csv, crafts.csv; see docs/catalog.md)"
    missing = [k for k in REQUIRED_KINDS if k not in present]
    if missing:
        return f"{catalog} lacks required catalog kind(s): {', '.join(f'{k}.csv' for k in missing)}"
    return None


def collapse(previous: dict, new: dict, share: float = COLLAPSE_SHARE) -> list[str]:
    """The node labels of which more than `share` would be gone, as `Label old → new`."""
    out = []
    for label, old in sorted(previous.items()):
        now = new.get(label, 0)
        if old >= COLLAPSE_MIN_NODES and old - now > share * old:
            out.append(f"{label} {old:,} → {now:,}")
    return out


def check_collapse(home: Path, nodes: dict) -> None:
    """Raise BuildRefused when the build would make any node label of the current snapshot collapse."""
    previous = _previous_manifest(home)
    if not previous:
        return
    before = {k: n for k, n in previous["counts"]["nodes"].items() if k not in DERIVED_LABELS}
    gone = collapse(before, {k: v.num_rows for k, v in nodes.items()})
    if gone:
        hint = " (the current one has public sources: pass --sources DIR)" if previous.get("sources_dir") else ""
        raise BuildRefused(
            f"refused: more than {COLLAPSE_SHARE:.0%} of {', '.join(gone)} would be gone against the current "
            f"snapshot {previous['build_id']}{hint}; it stays current; {FORCE_HINT}"
        )


def ensure_snapshot(
    home: Path | None = None,
    catalog: Path | None = None,
    sources: Path | None = None,
    progress: Progress | None = None,
) -> tuple[Path, bool]:
    """The current snapshot of `home`, building one first when there is none: (path, built_now). The build
    reads the public sources when they are available (`choose_sources`).

    Raises graph.tables.InputError (with every problem) when the inputs do not validate."""
    home = home or snapshot.default_home()
    try:
        return snapshot.current_dir(home), False
    except snapshot.SnapshotError:
        pass
    chosen = choose_sources(home, sources)
    say = progress or _quiet
    if chosen.catalog_only:
        say(CATALOG_ONLY_NOTICE)
    build(catalog or default_catalog(), home=home, sources=chosen.path, progress=say, sources_reason=chosen.reason)
    return snapshot.current_dir(home), True


def collect(
    catalog: Path,
    sources: Path | None,
    progress: Progress = _quiet,
    force: bool = False,
    group: workers.Group | None = None,
    fit_ahead: bool = False,
) -> tuple[Tables, dict]:
    """Read and validate every input; raise InputError listing every problem, BuildRefused for a catalog
    that cannot make a graph (unless `force`).

    With a `group` that forks, a worker process reads the SECOND_PROCESS_SOURCES while this one reads the
    others, then fits the capability curves from the catalog (with `fit_ahead`; `prepared_fit(group)`
    collects the fits)."""
    problems: list[Problem] = []
    if not catalog.is_dir():
        raise InputError([Problem(str(catalog), None, "path", "catalog directory not found")])
    refusal = None if force else catalog_refusal(catalog)
    if refusal:
        raise BuildRefused(f"refused: {refusal}; {FORCE_HINT}")
    progress(f"reading the catalog in {catalog}")
    parts = [read_catalog(catalog, problems)]
    if sources is not None and not sources.is_dir():
        raise InputError([Problem(str(sources), None, "path", "sources directory not found")])
    public_info: dict = {}
    worker = _start_worker(group, parts[0], catalog, sources, fit_ahead)
    if sources is not None:
        from ingest import registry  # (imported by _start_worker already when it reads some)

        elsewhere = SECOND_PROCESS_SOURCES if worker is not None else ()
        progress(f"reading public sources in {sources}")
        read = registry.read_each(sources, [n for n in registry.SOURCES if n not in elsewhere], progress, catalog)
        if worker is not None:
            progress(f"reading {', '.join(elsewhere)} (in a second process)")
            read.update(worker.take("sources"))  # (taken: the worker does not keep the tables for the build)
        more, public_info = registry.combine(read, problems)
        parts += more
        del read, more
    tables = merge(parts)
    del parts  # (each source's frames: a label several sources have is merged into new frames)
    if sources is not None:
        reconcile_curated_occupations(tables, problems)
    progress("validating the graph")
    notes = validate_tables(tables, problems, public=sources is not None)
    if group is not None:
        group.poll()  # (a worker done by now ends: its memory goes back)
    tables.notes += notes
    if problems:
        raise InputError(_dedupe(problems))
    add_citations(tables)
    return tables, public_info


# Public sources a build's worker reads while this one reads the others: QCEW, ~30 % of the reading,
# needs nothing another source reads.
SECOND_PROCESS_SOURCES = ("qcew",)


def _start_worker(
    group: workers.Group | None, catalog_tables: Tables, catalog: Path, sources: Path | None, fit_ahead: bool
) -> workers.Worker | None:
    """The build's worker ("build"), forked while this process is still small, when the group forks: it
    reads the SECOND_PROCESS_SOURCES (the worker is returned when it reads some: the caller waits for
    them), then fits the capability curves from the catalog tables (`fit_ahead`; `prepared_fit` collects
    them), and ends once both are sent, as this process starts validating."""
    if group is None or not group.fork:
        return None
    steps: dict[str, workers.Step] = {}
    if sources is not None:
        from ingest import registry

        steps["sources"] = (registry.read_each, (sources, SECOND_PROCESS_SOURCES, None, catalog))
    if fit_ahead:
        try:
            with memory.gc_paused():  # (imported before the fork: the scores need it here too)
                import graph.exposure.api  # noqa: F401
        except ImportError:
            pass
        else:
            steps["fit"] = (_fit_from_catalog, (catalog_tables,))
    if not steps:
        return None
    worker = group.start("build", steps)
    return worker if sources is not None else None


def _fit_from_catalog(catalog_tables: Tables):
    """The capability fits from the catalog's tables, seen as the engine sees a snapshot's (Arrow tables
    made by the same functions, as pandas frames), or None without the engine."""
    try:
        from graph.exposure.api import fit_ahead
    except ImportError:
        return None
    nodes = PandasOnDemand(LazyArrow(catalog_tables.nodes, snapshot.node_table))
    edges = PandasOnDemand(LazyArrow(catalog_tables.edges, snapshot.edge_table))
    return fit_ahead(nodes, edges)


def prepared_fit(group: workers.Group) -> Callable[[], Any] | None:
    """What gives the engine the fits the build's worker made (None: there are none; the engine fits)."""
    worker = group.worker("build")
    if worker is None or not worker.has("fit"):
        return None

    def get() -> Any:
        try:
            return worker.take("fit")
        except Exception:  # fitted in this process instead (where a real error is raised again)
            return None

    return get


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
    src: list[str] = []
    dst: list[str] = []
    src_label: list[str] = []
    for label, df in t.nodes.items():
        if label == "Source" or "source_ids" not in df.columns:
            continue
        for node_id, sids in zip(df["id"].tolist(), df["source_ids"].tolist(), strict=True):
            for sid in sids or ():
                src.append(node_id)
                dst.append(sid)
                src_label.append(label)
    if src:
        ends = {"src": src, "dst": dst, "src_label": src_label, "dst_label": ["Source"] * len(src)}
        cites = edge_columns("CITES", ends)
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
    force: bool = False,
    sources_reason: str | None = None,
    cypher_db: bool = False,
) -> dict:
    """Build a snapshot into `home` and make it current. Returns its manifest. The embedded Cypher
    database is created on first use (graph.embedded.ensure_database), or here with `cypher_db`.

    Refused (BuildRefused, nothing written) unless `force`: a catalog without catalog files or without a
    required kind, and a build that would make a node label of the current snapshot collapse."""
    home = home or snapshot.default_home()
    progress = memory.releasing(progress)  # every step starts from a trimmed heap (graph/memory.py)
    memory.one_heap_for_threads()
    with memory.c_allocator_for_arrow(), workers.Group() as group:  # (a worker is stopped on leaving, always)
        tables, public_info = collect(catalog, sources, progress, force=force, group=group, fit_ahead=with_scores)
        progress("converting tables")
        nodes, edges = _to_arrow(tables)
        group.poll()
        if not force:
            check_collapse(home, nodes)
        with snapshot.SnapshotWriter(home) as writer:
            writer.write_ahead(nodes, edges)  # (the graph's tables, in a thread, while the scores are computed)
            if with_scores:
                nodes, edges = add_scores(
                    nodes, edges, progress, prepared_fit(group), after_compile=lambda: writer.let_go(nodes, edges)
                )
            with snapshot.home_lock(home, on_wait=progress):
                manifest = _write_snapshot(
                    writer, nodes, edges, tables, catalog, sources, public_info, progress, sources_reason, cypher_db
                )
    memory.release()
    return manifest


def _to_arrow(tables: Tables) -> tuple[dict, dict]:
    """The snapshot's Arrow tables; each pandas frame is let go once converted (only the notes stay)."""
    nodes = {k: _arrow_table(snapshot.node_table, k, tables.nodes.pop(k)) for k in list(tables.nodes)}
    edges = {k: _arrow_table(snapshot.edge_table, k, tables.edges.pop(k)) for k in list(tables.edges)}
    return nodes, edges


def _without_where(columns: Mapping[str, Any]) -> dict[str, Any]:
    return {c: v for c, v in columns.items() if c != WHERE}


def _arrow_table(convert: Callable, name: str, frame):
    """A pandas frame as its snapshot table (snapshot.node_table or edge_table), without the `_where` column."""
    return convert(name, frame.drop(columns=[WHERE], errors="ignore"))


def _write_snapshot(
    writer: snapshot.SnapshotWriter,
    nodes: dict,
    edges: dict,
    tables: Tables,
    catalog: Path,
    sources: Path | None,
    public_info: dict,
    progress: Progress,
    sources_reason: str | None = None,
    cypher_db: bool = False,
) -> dict:
    """Finish the snapshot in the writer's temporary folder (the tables written ahead there, the others now)
    and publish it (under the home's lock). A failure removes that folder only, and leaves the previous
    snapshot current; a write that the system refuses (a full disk, no permission) is a one-line
    SnapshotError."""
    tmp, home = writer.folder, writer.home
    created = datetime.now(UTC)
    try:
        (home / "snapshots").mkdir(parents=True, exist_ok=True)
        content_hash = snapshot.content_hash(nodes, edges, known=writer.digests())
        build_id = _build_id(created, content_hash)
        while (home / "snapshots" / build_id).exists():  # the same content built within the same second
            time.sleep(1.0 - created.microsecond / 1e6)
            created = datetime.now(UTC)
            build_id = _build_id(created, content_hash)
        nodes, edges = snapshot.stamp(nodes, build_id), snapshot.stamp(edges, build_id)
        progress("writing tables")
        writer.write_rest(nodes, edges)
        memory.release()  # (the parquet writer's buffers)
        views.write(tmp)  # what the explorer's first page shows, read from the tables just written
        if cypher_db:
            from graph import embedded  # (LadybugDB only when asked for)

            progress("creating the embedded Cypher database")
            embedded.create_from_tables(tmp)
        previous = _previous_manifest(home)
        manifest = _manifest(build_id, created, content_hash, writer.rows, tables, catalog, sources, public_info)
        manifest["previous_build_id"] = previous.get("build_id") if previous else None
        manifest["sources_dir"] = str(Path(sources).resolve()) if sources is not None else None
        manifest["sources_reason"] = sources_reason or ("given" if sources is not None else "none")
        manifest["catalog_only"] = sources is None
        if previous:
            from graph.diff import diff_snapshots, summary_lines

            progress("comparing with the previous snapshot")
            changes = diff_snapshots(snapshot.current_dir(home), tmp)
            (tmp / "diff.json").write_text(json.dumps(changes, indent=2, ensure_ascii=False) + "\n")
            manifest["changes"] = summary_lines(changes)
        _carry_backtest(home, tmp, manifest, previous)
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


def _build_id(created: datetime, content_hash: str) -> str:
    return f"{created.strftime('%Y%m%dT%H%M%SZ')}-{content_hash[:8]}"


def _manifest(
    build_id: str,
    created: datetime,
    content_hash: str,
    rows: dict[str, dict[str, int]],
    tables: Tables,
    catalog: Path,
    sources: Path | None,
    public_info: dict,
) -> dict:
    counts: dict[str, Any] = {
        "nodes": dict(sorted(rows["nodes"].items())),
        "edges": dict(sorted(rows["edges"].items())),
    }
    counts["total_nodes"] = sum(counts["nodes"].values())
    counts["total_edges"] = sum(counts["edges"].values())
    return {
        "build_id": build_id,
        "created": created.isoformat(timespec="milliseconds"),  # orders two builds in one second
        "schema_version": SCHEMA_VERSION,
        "content_hash": content_hash,
        "catalog_hash": snapshot.catalog_hash(catalog),
        "inputs": input_files(catalog, sources, public_info),
        "public_sources": public_info,
        "counts": counts,
        "notes": tables.notes,
    }


def _carry_backtest(home: Path, tmp: Path, manifest: dict, previous: dict | None) -> None:
    """Stored backtest results still current for this build (same method, same catalog) come along."""
    try:
        from graph.exposure import backtest_store
    except ImportError:
        return
    candidates = [backtest_store.DOCS_RESULTS]
    if previous:
        candidates.insert(0, snapshot.current_dir(home) / backtest_store.STORE_FILE)
    backtest_store.carry_over(tmp, manifest, candidates)


def _previous_manifest(home: Path) -> dict | None:
    try:
        return snapshot.read_manifest(snapshot.current_dir(home))
    except snapshot.SnapshotError:
        return None


class LazyArrow(Mapping):
    """pandas frames seen as the snapshot's Arrow tables, each converted when first asked for."""

    def __init__(self, frames: dict, convert: Callable):
        self._frames, self._convert = frames, convert

    def __getitem__(self, key: str):
        return _arrow_table(self._convert, key, self._frames[key])

    def __iter__(self):
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)


class PandasOnDemand(Mapping):
    """Arrow tables seen as pandas frames, each converted when first asked for: the engine reads a
    dozen of the tables, not the large ones it has no use for (QCEW records, citations, areas)."""

    def __init__(self, tables: Mapping):
        self._tables = tables
        self._frames: dict = {}

    def __getitem__(self, key: str):
        if key not in self._frames:
            self._frames[key] = self._tables[key].to_pandas()
        return self._frames[key]

    def forget(self) -> None:
        """Let the frames made so far go (made again if asked for)."""
        self._frames.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._tables

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


def add_scores(
    nodes: dict,
    edges: dict,
    progress: Progress,
    prepared_fit: Callable[[], Any] | None = None,
    after_compile: Callable[[], None] | None = None,
) -> tuple[dict, dict]:
    """Derived exposure scores, written into the snapshot when the engine is available. `prepared_fit`:
    gives capability fits made ahead (used when made from the same inputs); `after_compile` is called once
    the engine has read the tables (the build lets go of those it has written)."""
    try:
        from graph.exposure.api import score_columns
    except ImportError:
        return nodes, edges
    progress("computing exposure scores")
    with memory.gc_paused():  # (compiling and scoring make next to no cycles: ~0.1 s of collections saved)
        sn, se = score_columns(
            PandasOnDemand(nodes), PandasOnDemand(edges), prepared_fit=prepared_fit, after_compile=after_compile
        )
    for k in list(sn):  # (straight from the value lists: no pandas frame in between)
        nodes[k] = snapshot.node_table_of_columns(k, _without_where(sn.pop(k)))
    for k in list(se):
        edges[k] = snapshot.edge_table_of_columns(k, _without_where(se.pop(k)))
    memory.release()  # the engine and its frames are gone
    return nodes, edges
