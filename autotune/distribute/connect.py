"""A worker's link to its chief: its name, and reaching the chief's oracle before anything
else (a worker whose chief is not listening would otherwise wait an hour in every call).
No TensorFlow here."""

from __future__ import annotations

from autotune.errors import AutotuneError


class ChiefUnreachableError(AutotuneError):
    """A worker cannot reach (or has lost) the chief it was pointed at."""


def worker_name(worker_id: int) -> str:
    """The worker's KerasTuner tuner id (KerasTuner treats any id with 'chief' in it as the
    chief, so a worker's never has)."""
    return f"worker-{worker_id}"


def wait_for_chief(host: str, port: int, timeout: float) -> None:
    """Return once the chief's gRPC server answers at host:port; fail after ``timeout`` s."""
    import grpc

    channel = grpc.insecure_channel(f"{host}:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
    except grpc.FutureTimeoutError:
        raise ChiefUnreachableError(
            f"--oracle {host}:{port}: no chief answered within {timeout:g} s "
            "(--connect-timeout); start the chief first (autotune tune ... --role chief "
            f"--oracle {host}:{port}) or check the address and that the port is open"
        ) from None
    finally:
        channel.close()
