"""Class-folder layouts (one sub-folder of images per class): the checks that need no image
library, made before any file is decoded (:mod:`autotune.data.images`)."""

from __future__ import annotations

from pathlib import Path

from autotune.errors import DataError


def class_folders(path: Path) -> list[Path]:
    """The class sub-folders of ``path``, after checking the layout.

    Raises:
        DataError: no class sub-folders, one class only, or an empty class folder.
    """
    folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise DataError(
            f"{path}: a folder with no class sub-folders; pass a CSV file, or a folder with one "
            "sub-folder of images per class"
        )
    for folder in folders:
        if not any(f.is_file() for f in folder.rglob("*")):
            raise DataError(f"{folder}: empty class folder; add its images or remove it")
    if len(folders) == 1:
        raise DataError(
            f"{path}: one class folder only ({folders[0].name}); a classifier needs at least two"
        )
    return folders
