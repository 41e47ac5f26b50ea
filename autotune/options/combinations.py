"""The options that cannot go together, or that do not apply to the kind of data given."""

from __future__ import annotations

from pathlib import Path

from autotune.errors import UsageError


def check_combinations(o, data: Path) -> None:
    """The options that cannot go together, or that do not apply to this kind of data."""
    if o.resume and o.overwrite:
        raise UsageError(
            "--resume and --overwrite: pick one (--resume continues the run in --out, "
            "--overwrite replaces it)"
        )
    if o.resume and not o.out:
        raise UsageError("--resume needs --out RUN_DIR: the run folder to continue")
    _check_distributed(o, data)
    _check_repair(o)
    if data.is_dir() and (o.pretrain or o.init_from):
        raise UsageError(
            "--pretrain and --init-from apply to tables; for images the backbones (--backbone) "
            "are the pre-trained layers"
        )
    image_only = (o.backbone != "auto", o.weights != "imagenet", o.strict)
    if not data.is_dir() and (any(image_only) or o.image_size is not None):
        raise UsageError(
            "--backbone, --weights, --strict and --image-size apply to image folders; "
            f"{data} is not a folder"
        )


def _check_distributed(o, data: Path) -> None:
    if o.role is None and not o.workers:
        if o.oracle is not None or o.worker_id is not None:
            raise UsageError(
                "--oracle and --worker-id belong to a distributed search: add --role chief or "
                "--role worker (or --workers N to run one on this machine)"
            )
        return
    if data.is_dir():
        raise UsageError(
            "--role / --workers: distributed search runs on CSV tables; tune an image folder "
            "in one process"
        )
    if o.role == "worker":
        _check_worker(o)
    elif o.worker_id is not None:
        raise UsageError("--worker-id belongs to a worker (--role worker)")
    elif o.role == "chief" and (o.oracle is None or o.out is None):
        raise UsageError(
            "--role chief needs --oracle HOST:PORT (where to listen; port 0 picks a free one) "
            "and --out RUN_DIR (the run folder the workers share)"
        )


def _check_worker(o) -> None:
    if o.workers:
        raise UsageError("--workers starts a chief: drop it from a worker's command")
    if o.oracle is None or o.worker_id is None or o.out is None:
        raise UsageError(
            "--role worker needs --oracle HOST:PORT (the chief's), --worker-id N and --out "
            "RUN_DIR (the chief's run folder, on a shared file system)"
        )
    if o.resume or o.overwrite:
        raise UsageError(
            "--resume / --overwrite: the chief owns the run folder; pass them to the chief only"
        )


def _check_repair(o) -> None:
    from autotune.diagnostics.repair import REPAIR_CHOICES

    if o.repair_rounds < 0 or o.repair_choice not in REPAIR_CHOICES:
        raise UsageError(
            f"repair: {o.repair_rounds} rounds by {o.repair_choice!r}; rounds are 0 or more, "
            f"chosen by one of {', '.join(REPAIR_CHOICES)}"
        )
    if o.repair_rounds and (o.role or o.workers or o.tuner == "hyperband" or o.resume):
        raise UsageError(
            "--repair runs its rounds in one process, one after the other, from the start"
        )
