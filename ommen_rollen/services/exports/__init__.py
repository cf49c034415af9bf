"""Exports of a planning round: werkplan PDF (one or a ZIP of all), overview XLSX
and CSV. Each returns (bytes, file name); the views only send them."""

from .common import neutralise, werkplan_filename
from .csv_export import overview_csv
from .overview_xlsx import overview_xlsx
from .werkplan_pdf import record_export, round_werkplannen_zip, werkplan_pdf

__all__ = [
    "neutralise",
    "overview_csv",
    "overview_xlsx",
    "record_export",
    "round_werkplannen_zip",
    "werkplan_filename",
    "werkplan_pdf",
]
