"""An ensemble inside one model: member networks applied to the same input, each output
scaled by its weight (Keras' ``Rescaling``) and summed (``Add``). Built-in layers only, so the
saved model loads in safe mode."""

from __future__ import annotations

from autotune.backend import keras


def weighted_sum(members: list, weights: list[float], inputs, best: int | None, best_name: str):
    """The weighted sum of the members' outputs on ``inputs`` (weights normalised to sum to 1).

    The member at position ``best`` (the best trial's network) is renamed ``best_name``, where
    later runs find it; the others ``member_<i>``.
    """
    total, outputs = sum(weights), []
    for position, (member, weight) in enumerate(zip(members, weights, strict=True)):
        member.name = best_name if position == best else f"member_{position}"
        scaled = keras.layers.Rescaling(weight / total, name=f"weight_{position}")
        outputs.append(scaled(member(inputs)))
    return keras.layers.Add(name="ensemble")(outputs) if len(outputs) > 1 else outputs[0]
