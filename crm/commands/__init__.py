"""Sub-commands of `crm` beyond the core ones, one module per feature.

Each module has ``register(subparsers, common)`` adding its parsers (with ``func`` set to a
handler taking the parsed arguments and returning the exit status); crm/cli.py calls it.
"""
