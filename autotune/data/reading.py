"""Read a CSV file into a DataFrame: encoding and delimiter detected, errors named.

No TensorFlow here: this module is used by ``predict`` and the report as well as the search.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd

from autotune.data.folders import class_folders
from autotune.errors import DataError

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# Spellings of "missing" beyond pandas' defaults that real files use.
EXTRA_NA_VALUES = ["?", " ?"]


def detect_encoding(raw: bytes, path: Path) -> str:
    """Return the first encoding in ``ENCODINGS`` that decodes ``raw``.

    Raises:
        DataError: when the bytes look binary (NUL bytes), i.e. not a text file.
    """
    if b"\x00" in raw[:SNIFF_BYTES]:
        raise DataError(
            f"{path}: this is a binary file, not a CSV text file; export the table as CSV "
            "(comma- or semicolon-separated text) and pass that file"
        )
    for encoding in ENCODINGS:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"  # decodes every byte sequence


def detect_delimiter(sample: str) -> str:
    """Guess the delimiter from the first lines; a comma when nothing else fits."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The sniffer gives up on files with a single column or quoted fields everywhere;
        # fall back to the delimiter that appears most often in the header.
        counts = {d: lines[0].count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] > 0 else ","


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV file, detecting its encoding and delimiter.

    Args:
        path: the CSV file.

    Returns:
        The table, with pandas' dtype inference; empty cells and the common missing-value
        spellings (``NA``, ``?``, ...) become NaN.

    Raises:
        DataError: missing or unreadable file, binary file, empty file, header only,
            duplicate column names.

    Example:
        >>> frame = read_csv("examples/data/penguins.csv")  # doctest: +SKIP
    """
    path = Path(path)
    raw = _read_bytes(path)
    encoding = detect_encoding(raw, path)
    text = raw.decode(encoding)
    delimiter = detect_delimiter(text[:SNIFF_BYTES])
    _check_header(path, text, delimiter)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            na_values=EXTRA_NA_VALUES,
            skipinitialspace=True,
            low_memory=False,
        )
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise DataError(
            f"{path}: not a well-formed CSV ({detail}); every row needs the same number of "
            f"fields as the header (delimiter detected: {delimiter!r})"
        ) from exc
    if frame.empty:
        raise DataError(f"{path}: has a header but no data rows; add rows below the header")
    frame.attrs["source"] = str(path)
    frame.attrs["encoding"] = encoding
    frame.attrs["delimiter"] = delimiter
    frame.attrs["sha256"] = hashlib.sha256(raw).hexdigest()  # tells a resumed run the same data
    return frame


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing, folder, unreadable or empty path is named."""
    if not path.exists():
        raise DataError(
            f"{path}: no such file; check the path (relative paths start at {Path.cwd()})"
        )
    if path.is_dir():
        classes = class_folders(path)  # says what is wrong with the layout, if anything
        raise DataError(
            f"{path}: a folder of {len(classes)} image classes, where a CSV file is needed; "
            "pass a .csv file (image folders are for runs tuned on images)"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc
    if not raw.strip():
        raise DataError(f"{path}: the file is empty; pass a CSV with a header row and data rows")
    return raw


def _check_header(path: Path, text: str, delimiter: str) -> None:
    """Refuse duplicate column names (pandas would rename them silently)."""
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise DataError(
            f"{path}: duplicate column name(s) {', '.join(repr(d) for d in duplicates)}; "
            "rename them so that every column name is unique"
        )
