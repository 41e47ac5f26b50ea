"""The search: KerasTuner construction, callbacks, budgets, and the run orchestration."""
