"""Benchmarks: Headcount against the Node reference server, in one run (`make bench`)."""
