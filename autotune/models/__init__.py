"""Model builders: the hypermodels the search tunes."""
