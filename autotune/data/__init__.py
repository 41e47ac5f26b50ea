"""Data loading: files on disk -> typed frames -> model inputs."""
