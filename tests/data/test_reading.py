from __future__ import annotations

import hashlib

import pytest

from autotune.data.reading import read_csv
from autotune.errors import DataError


def test_reads_comma_file_with_missing_values(data_dir):
    frame = read_csv(data_dir / "penguins.csv")
    assert frame.shape == (344, 8)
    assert frame["sex"].isna().sum() == 11
    assert frame.attrs["delimiter"] == ","
    assert (
        frame.attrs["sha256"]
        == hashlib.sha256((data_dir / "penguins.csv").read_bytes()).hexdigest()
    )


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_detects_delimiter(tmp_path, delimiter):
    path = tmp_path / "table.csv"
    rows = ["a,b,target", "1.5,x,yes", "2.5,y,no", "3.5,x,yes"]
    path.write_text("\n".join(r.replace(",", delimiter) for r in rows) + "\n")
    frame = read_csv(path)
    assert list(frame.columns) == ["a", "b", "target"]
    assert frame["a"].tolist() == [1.5, 2.5, 3.5]


def test_semicolon_file_with_decimal_commas_in_quotes_keeps_columns(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text('name;value;target\n"a";"1,5";x\n"b";"2,5";y\n"c";"3,5";x\n')
    assert list(read_csv(path).columns) == ["name", "value", "target"]


def test_latin1_file_loads(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "ville,prix,classe\nMontréal,1,a\nQuébec,2,b\nSão Paulo,3,a\n".encode("latin-1")
    )
    frame = read_csv(path)
    assert frame["ville"].tolist() == ["Montréal", "Québec", "São Paulo"]


def test_utf8_bom_is_not_part_of_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffx,y\n1,a\n2,b\n".encode())
    assert list(read_csv(path).columns) == ["x", "y"]


def test_question_mark_is_missing(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("a,b\n1, ?\n2,x\n")
    assert read_csv(path)["b"].isna().tolist() == [True, False]


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: no such file; check the path"):
        read_csv(tmp_path / "nope.csv")


def test_folder_without_class_sub_folders(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DataError, match="a folder with no class sub-folders; pass a CSV file"):
        read_csv(tmp_path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("  \n")
    with pytest.raises(DataError, match=r"empty\.csv: the file is empty"):
        read_csv(path)


def test_header_only(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("a,b,c\n")
    with pytest.raises(DataError, match="has a header but no data rows"):
        read_csv(path)


def test_binary_file(tmp_path):
    path = tmp_path / "model.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary\x00stuff")
    with pytest.raises(DataError, match="binary file, not a CSV text file"):
        read_csv(path)


def test_duplicate_column_names(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("a,b,a\n1,2,3\n")
    with pytest.raises(DataError, match="duplicate column name.*'a'.*rename them"):
        read_csv(path)


def test_ragged_rows(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5,6\n")
    with pytest.raises(DataError, match="not a well-formed CSV"):
        read_csv(path)
