"""Importing prospect lists (the six lists and others) from spreadsheets and CSV files.

- `service`: the one use case the import wizard and `crm import` both call;
- `files`: reading .xlsx/.xls/.ods/CSV in the encodings Chinese systems write;
- `prepare`: finding the header, cleaning rows (in a worker process for large files);
- `index`: the search text and ids for thousands of rows at once;
- `run`: matching rows against the book and writing them through the prospect writer;
- `undo`: taking a finished import back, and settling possible duplicates.
"""

from crm.services.imports.service import (
    FIELDS,
    IMPORT_CACHE_KIB,
    SAMPLE_ROWS,
    STREAM_IMPORT_CACHE_KIB,
    BatchInfo,
    ColumnInfo,
    FileInfo,
    FlagInfo,
    ImportCancelled,
    ImportFileError,
    ImportRequest,
    ImportResult,
    ImportService,
    MappingInfo,
    RowError,
    Sample,
    UndoResult,
    UnknownSource,
    no_header,
    vocabulary,
)

__all__ = [
    "FIELDS",
    "IMPORT_CACHE_KIB",
    "SAMPLE_ROWS",
    "STREAM_IMPORT_CACHE_KIB",
    "BatchInfo",
    "ColumnInfo",
    "FileInfo",
    "FlagInfo",
    "ImportCancelled",
    "ImportFileError",
    "ImportRequest",
    "ImportResult",
    "ImportService",
    "MappingInfo",
    "RowError",
    "Sample",
    "UndoResult",
    "UnknownSource",
    "no_header",
    "vocabulary",
]
