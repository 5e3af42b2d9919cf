"""The inputs: the curated catalog and the public datasets, read into node and edge tables (graph.tables).

    reader.py        the one table reader (CSV, TSV/text, .xlsx, .xls): encoding, header and row checks
    checks.py        cell checks (codes, numbers, unique keys) and TableSpec, a file's checks as data
    catalog.py       data/catalog/*.csv → tables
    base.py          the Source protocol, the Context of one run, progress
    registry.py      SOURCES (name → source module, in build order) and read_all
    onet.py, crosswalks.py, bls.py, eloundou.py, felten.py, anthropic_index.py, epoch.py, aiid.py
                     one public source each (studies.py and catalog_links.py hold what several share)
    manifest.py      a source's entry in the build manifest (files, sha256, pinned or not)
    sources_file.py  data/sources.yaml as a validated model (publisher URLs, pinned sha256, licences)
    fetch.py         download the pinned files (pooch)

From the core, ingest/ imports only graph.schema, graph.tables and graph.settings (an import-linter
contract in pyproject.toml checks it).
"""
