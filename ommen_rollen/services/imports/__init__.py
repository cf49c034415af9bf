"""Imports of employees (with contract and competences), competences and roles from
CSV or XLSX: read safely, map columns (with presets), preview every row with its
errors, commit all or nothing."""

from .mapping import KINDS, PRESETS, check_mapping, suggest_mapping
from .readers import MAX_BYTES, MAX_ROWS, ImportRefused, Table, read_table
from .service import (
    Analysis,
    CellError,
    Staged,
    Summary,
    analyse,
    commit,
    discard,
    import_file,
    load,
    read_upload,
    save,
    stage,
)

__all__ = [
    "KINDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "PRESETS",
    "Analysis",
    "CellError",
    "ImportRefused",
    "Staged",
    "Summary",
    "Table",
    "analyse",
    "check_mapping",
    "commit",
    "discard",
    "import_file",
    "load",
    "read_table",
    "read_upload",
    "save",
    "stage",
    "suggest_mapping",
]
