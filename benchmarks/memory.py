"""Memory across one long search: the RSS of the real ``autotune tune`` process after trials
3, 10, 20 and 30, its growth from trial 3 to the last, and its peak.

KerasTuner users report memory that grows with every trial (keras-tuner issues #873, #1031).
The process is sampled from outside (``/proc/<pid>/status``) every 50 ms; a checkpoint's RSS
is the first sample taken once that many trial records exist.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKPOINTS = (3, 10, 20, 30)
GROWTH_LIMIT_MB = 300
POLL_SECONDS = 0.05


def _status_mb(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB -> MB
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def measure(data: Path, trials: int, epochs: int, space: str) -> dict:
    """Run the search; return {checkpoint: RSS MB}, the peak and the wall time."""
    autotune = Path(sys.executable).parent / "autotune"
    marks = [c for c in CHECKPOINTS if c <= trials] or [trials]
    if marks[-1] != trials:
        marks.append(trials)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        command = [
            str(autotune), "tune", str(data), "--space", space, "--max-trials", str(trials),
            "--max-epochs", str(epochs), "--out", str(out),
        ]  # fmt: skip
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        rss: dict[int, float] = {}
        peak = 0.0
        while process.poll() is None:
            done = len(list((out / "trials").glob("*.json"))) if out.exists() else 0
            now = _status_mb(process.pid, "VmRSS")
            peak = max(peak, _status_mb(process.pid, "VmHWM") or 0.0)
            for mark in marks:
                if done >= mark and mark not in rss and now is not None:
                    rss[mark] = now
            time.sleep(POLL_SECONDS)
        stderr = process.stderr.read().decode(errors="replace")
        if process.returncode != 0:
            raise RuntimeError(f"autotune tune failed ({process.returncode}): {stderr[-500:]}")
        return {"rss": rss, "peak": peak, "seconds": time.monotonic() - started}


def run(data: Path, trials: int = 30, epochs: int = 10, space: str = "mlp") -> str:
    """The markdown table of one measured search."""
    result = measure(data, trials, epochs, space)
    rss = result["rss"]
    first, last = min(rss), max(rss)
    growth = rss[last] - rss[first]
    verdict = "ok" if growth < GROWTH_LIMIT_MB else "TOO MUCH"
    lines = [
        f"`autotune tune {data.name} --space {space} --max-trials {trials} "
        f"--max-epochs {epochs}` ({result['seconds']:.0f} s):",
        "",
        "| after trial | RSS (MB) |",
        "|---|---|",
        *[f"| {mark} | {mb:.0f} |" for mark, mb in sorted(rss.items())],
        "",
        f"growth from trial {first} to {last}: {growth:+.0f} MB "
        f"(limit {GROWTH_LIMIT_MB} MB: {verdict}); peak RSS {result['peak']:.0f} MB",
    ]
    return "\n".join(lines)
