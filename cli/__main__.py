"""`python -m cli ...` runs the `craftgraph` command line."""

import sys

from cli.main import main

sys.exit(main())
