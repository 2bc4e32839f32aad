"""The import wizard: choose a list file, check its columns, preview, import, undo."""
