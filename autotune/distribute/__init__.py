"""Distributed search on KerasTuner's own chief / worker mode: the chief (``chief``) serves
its oracle over gRPC and watches the workers' heartbeats (``heartbeat``); each worker
(``worker``) reaches the chief (``connect``) and runs trials for it; ``--workers N`` starts
them on this machine (``local``). Tables only. May import ``tuning``, ``problems``, ``runs``,
``options``, ``console`` and the vocabulary.
"""
