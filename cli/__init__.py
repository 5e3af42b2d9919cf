"""The `craftgraph` command line: the top layer over the core (`graph/`), the sources (`ingest/`) and the
explorer. `cli.main.app` is the root app; the commands live in `cli/commands/`, the options they share in
`cli/options.py`, error messages and exit codes in `cli/errors.py`, and terminal output in `cli/output.py`.
"""
