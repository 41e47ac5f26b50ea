"""Search spaces shipped with autotune, as YAML files (see ``autotune spaces``)."""
