"""Use cases that the HTTP API and the `nrm` command both call."""
