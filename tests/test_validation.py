"""A corpus of malformed catalogs: each gives a clear error (file, row, field) and changes no snapshot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cli.main import main
from graph import snapshot
from graph.pipeline import build, collect
from graph.tables import InputError


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(cat: Path) -> None:
        p = cat / name
        text = p.read_text()
        assert old in text, f"fixture changed: {old!r} not in {name}"
        p.write_text(text.replace(old, new, 1))

    return apply


def append(name: str, line: str) -> Callable[[Path], None]:
    def apply(cat: Path) -> None:
        with (cat / name).open("a") as f:
            f.write(line + "\n")

    return apply


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda cat: (cat / name).write_bytes(data)


# (case id, mutation, expected file, expected row (None: any), field, message fragment)
CASES = [
    (
        "missing-required",
        edit("tools.csv", "tool:video-a,Video A,", "tool:video-a,,"),
        "tools.csv",
        2,
        "name",
        "required value is missing",
    ),
    (
        "dangling-reference",
        edit("tool_capabilities.csv", "tool:video-b,cap:generate-video", "tool:video-b,cap:nope"),
        "tool_capabilities.csv",
        3,
        "PROVIDES",
        "'cap:nope' (dst) is not a known Capability",
    ),
    (
        "duplicate-id",
        append(
            "tools.csv", "tool:video-a,Video A2,2024,active,cloud,,,,,,,vendor:example,aitype:generative,src:fx-runway"
        ),
        "tools.csv",
        4,
        "id",
        "duplicate Tool id",
    ),
    (
        "bad-date",
        edit("milestones.csv", "2022-09,research", "2022-13,research"),
        "milestones.csv",
        2,
        "date",
        "ISO date",
    ),
    (
        "weight-out-of-range",
        edit("capability_tasks.csv", "compositor.roto,0.8", "compositor.roto,1.8"),
        "capability_tasks.csv",
        2,
        "weight",
        "outside [0, 1]",
    ),
    (
        "unknown-column",
        edit("vendors.csv", "id,name,country,url,source_ids", "id,name,country,url,source_ids,colour"),
        "vendors.csv",
        1,
        "colour",
        "unknown column",
    ),
    (
        "missing-column",
        edit("vendors.csv", "id,name,country,url,source_ids", "id,name,url,source_ids"),
        "vendors.csv",
        1,
        "country",
        "required column is missing",
    ),
    (
        "unknown-label-in-link",
        edit(
            "tools.csv", "aitype:generative-video,src:fx-runway\ntool:video-b", "robot:arm,src:fx-runway\ntool:video-b"
        ),
        "tools.csv",
        2,
        "ai_type_ids",
        "is not a AIType id",
    ),
    (
        "undefined-ai-type",
        edit(
            "tools.csv",
            "aitype:generative-video,src:fx-runway\ntool:video-b",
            "aitype:nope,src:fx-runway\ntool:video-b",
        ),
        "tools.csv",
        2,
        "IS_A",
        "'aitype:nope' (dst) is not a known AIType",
    ),
    (
        "unknown-file",
        write_bytes("gizmos.csv", b"id,name\ngizmo:a,A\n"),
        "gizmos.csv",
        None,
        "file",
        "unknown catalog file",
    ),
    ("empty-file", write_bytes("crafts.csv", b""), "crafts.csv", None, "file", "file is empty"),
    (
        "header-only",
        write_bytes("vendors.csv", b"id,name,country,url,source_ids\n"),
        "vendors.csv",
        None,
        "file",
        "no rows",
    ),
    (
        "wrong-encoding",
        write_bytes(
            "vendors.csv",
            "id,name,country,url,source_ids\nvendor:example,Société,FR,,src:fx-runway\n".encode("latin-1"),
        ),
        "vendors.csv",
        2,
        "encoding",
        "not UTF-8",
    ),
    (
        "duplicate-relationship",
        append("tool_capabilities.csv", "tool:video-a,cap:rotoscope,,2024,0.5,src:fx-runway"),
        "tool_capabilities.csv",
        5,
        "PROVIDES",
        "duplicate relationship",
    ),
    (
        "bad-bool",
        edit("tools.csv", "cloud,false,,,,https://example.org/a", "cloud,maybe,,,,https://example.org/a"),
        "tools.csv",
        2,
        "open_weights",
        "true or false",
    ),
    ("bad-choice", edit("tools.csv", "2023,discontinued", "2023,beta"), "tools.csv", 3, "status", "not one of"),
    (
        "not-a-number",
        edit("limitations.csv", "technical,0.5", "technical,high"),
        "limitations.csv",
        2,
        "severity",
        "expected a number",
    ),
    (
        "claim-without-source",
        edit("tool_capabilities.csv", "0.9,src:fx-runway", "0.9,"),
        "tool_capabilities.csv",
        2,
        "source_ids",
        "required value is missing",
    ),
    (
        "unknown-source",
        edit("capabilities.csv", "video,src:fx-paper", "video,src:nope"),
        "capabilities.csv",
        2,
        "source_ids",
        "'src:nope' is not a known Source id",
    ),
    ("bad-id", edit("vendors.csv", "vendor:example,", "Vendor:Example,"), "vendors.csv", 2, "id", "is not a Vendor id"),
    (
        "ragged-row",
        edit("vendors.csv", ",src:fx-runway", ",src:fx-runway,extra"),
        "vendors.csv",
        2,
        "row",
        "has 6 cells",
    ),
    (
        "share-out-of-range",
        edit("craft_occupations.csv", "onet:27-1014.00,1.0", "onet:27-1014.00,-0.1"),
        "craft_occupations.csv",
        2,
        "share",
        "outside [0, 1]",
    ),
    (
        "importance-out-of-range",
        edit("craft_tasks.csv", "final shots,1.0", "final shots,2"),
        "craft_tasks.csv",
        3,
        "importance",
        "outside [0, 1]",
    ),
    (
        "limitation-bad-target",
        edit("limitation_links.csv", "tool:video-b,lim:temporal", "craft:compositor,lim:temporal"),
        "limitation_links.csv",
        3,
        "target_id",
        "not a Tool or Capability id",
    ),
    (
        "industry-bad-role",
        write_bytes(
            "craft_industries.csv",
            b"craft_id,industry_id,role,note,confidence,source_ids\ncraft:compositor,naics:512100,mostly,,,src:fx-paper\n",
        ),
        "craft_industries.csv",
        2,
        "role",
        "'mostly' is not one of main, also, possible",
    ),
    (
        "industry-no-main",
        write_bytes(
            "craft_industries.csv",
            b"craft_id,industry_id,role,note,confidence,source_ids\ncraft:compositor,naics:512100,also,,,src:fx-paper\n",
        ),
        "craft_industries.csv",
        2,
        "role",
        "craft:compositor has industries but none with role main",
    ),
    (
        "industry-within-another",
        write_bytes(
            "craft_industries.csv",
            b"craft_id,industry_id,role,note,confidence,source_ids\ncraft:compositor,naics:512100,main,,,src:fx-paper\ncraft:compositor,naics:512110,also,,,src:fx-paper\n",
        ),
        "craft_industries.csv",
        3,
        "industry_id",
        "naics:512110 lies within naics:512100",
    ),
    (
        "industry-not-a-naics-id",
        write_bytes(
            "craft_industries.csv",
            b"craft_id,industry_id,role,note,confidence,source_ids\ncraft:compositor,area:us,main,,,src:fx-paper\n",
        ),
        "craft_industries.csv",
        2,
        "industry_id",
        "'area:us' is not a Industry id",
    ),
    (
        "local-area-bad-fit",
        write_bytes(
            "local_areas.csv", b"local_id,area_id,fit,note,confidence,source_ids\nlocal:iatse-839,area:us,all,,,\n"
        ),
        "local_areas.csv",
        2,
        "fit",
        "'all' is not one of same, inside, larger",
    ),
    (
        "link-wrong-label",
        edit("crafts.csv", "dept:camera,", "tool:video-a,"),
        "crafts.csv",
        3,
        "department_id",
        "is not a Department id",
    ),
    (
        "perform-wrong-target",
        edit("capability_tasks.csv", "task:craft:compositor.comp", "craft:compositor"),
        "capability_tasks.csv",
        3,
        "task_id",
        "not a Task or WorkActivity id",
    ),
    (
        "duplicate-header",
        edit("vendors.csv", "id,name,country,url,source_ids", "id,name,country,url,source_ids,name"),
        "vendors.csv",
        1,
        "header",
        "appears twice",
    ),
    (
        "mode-not-allowed",
        edit("capability_tasks.csv", "automate", "replace"),
        "capability_tasks.csv",
        2,
        "mode",
        "not one of",
    ),
]


def test_fixture_catalog_is_valid():
    tables, _ = collect(Path(__file__).parent / "fixtures" / "catalog", None)
    assert len(tables.nodes["Tool"]) == 2


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed_input_is_reported_and_nothing_changes(case, catalog_copy, tmp_path, capsys):
    _, mutate, file, row, fld, fragment = case
    home = tmp_path / "home"
    before = build(catalog_copy, home=home, with_scores=False)
    mutate(catalog_copy)

    with pytest.raises(InputError) as err:
        build(catalog_copy, home=home, with_scores=False)
    hits = [
        p
        for p in err.value.problems
        if p.file.endswith(file) and (row is None or p.row == row) and p.field == fld and fragment in p.message
    ]
    assert hits, "\n".join(map(str, err.value.problems))

    # The previous snapshot is still current, complete and loadable.
    snap = snapshot.current_dir(home)
    assert snapshot.read_manifest(snap)["build_id"] == before["build_id"]
    assert len(snapshot.snapshot_dirs(home)) == 1
    assert not list((home / "snapshots").glob(".tmp-*"))

    # The CLI says the same, naming file, row and field, and exits non-zero.
    assert main(["validate", str(catalog_copy), "-q"]) == 1
    out = capsys.readouterr().err
    assert f"{file}:{row}: {fld}:" in out if row else f"{file}: {fld}:" in out


def test_every_problem_is_reported_not_only_the_first(catalog_copy):
    for _, mutate, *_ in (CASES[0], CASES[3], CASES[4]):
        mutate(catalog_copy)
    with pytest.raises(InputError) as err:
        collect(catalog_copy, None)
    fields = {p.field for p in err.value.problems}
    assert {"name", "date", "weight"} <= fields


def test_bom_and_crlf_are_accepted(catalog_copy):
    p = catalog_copy / "vendors.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes().replace(b"\n", b"\r\n"))
    tables, _ = collect(catalog_copy, None)
    assert tables.nodes["Vendor"]["id"].tolist() == ["vendor:example"]


def test_split_kind_files_are_read(catalog_copy):
    (catalog_copy / "vendors.more.csv").write_text(
        "id,name,country,url,source_ids\nvendor:other,Other,GB,,src:fx-paper\n"
    )
    tables, _ = collect(catalog_copy, None)
    assert set(tables.nodes["Vendor"]["id"]) == {"vendor:example", "vendor:other"}


def _column_values() -> list:
    shared = ["src:a"]
    return [
        *(None, "", float("nan"), "text", "x" * 5000, "2024-05", "20245", "https://example.org/a"),
        *("javascript:alert(1)", "E1", 0, 1, -1, 7, 10**20, 0.5, 1.5, -0.0, float("inf"), True, False),
        *(shared, shared, ["src:b"], [], ["a", 1], ("a",), {"a"}, 3.0),
    ]


def test_whole_column_checks_find_what_value_by_value_checks_find():
    """graph.validate judges a column as a whole when it can; on any column it must report exactly the
    values (positions and reasons) that checking each value on its own reports."""
    import random

    from graph.schema import NODES, RELS
    from graph.validate import _bad_values, _check_one

    rng = random.Random(19)
    pool = _column_values()
    props = {
        (p.name, p.type, p.required, p.choices, p.range, p.max_length): p for s in (*NODES, *RELS) for p in s.all_props
    }
    for prop in props.values():
        good = [v for v in pool if _check_one(prop, v) is None]
        for size in (0, 1, 5, 40):
            for column in (
                [rng.choice(good) for _ in range(size)] if good else [],
                [rng.choice(pool) for _ in range(size)],
            ):
                want = [(i, e) for i, v in enumerate(column) if (e := _check_one(prop, v))]
                assert _bad_values(prop, column) == want, (prop, column)
