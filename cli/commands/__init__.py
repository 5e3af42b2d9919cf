"""The commands of `craftgraph`, one module per topic; cli/main.py registers each by name."""
