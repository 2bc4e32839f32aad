"""Importing prospect lists (the six lists and others) from spreadsheets and CSV files.

- `service`: the one use case the import wizard and `crm import` both call (import it
  from there: this package imports nothing, so the worker process that cleans a large
  file's rows loads only `prepare` and what it needs);
- `files`: reading .xlsx/.xls/.ods/CSV in the encodings Chinese systems write;
- `prepare`: finding the header, cleaning rows (in a worker process for large files);
- `index`: the search text and ids for thousands of rows at once;
- `run`: matching rows against the book and writing them through the prospect writer;
- `undo`: taking a finished import back, and settling possible duplicates.
"""
