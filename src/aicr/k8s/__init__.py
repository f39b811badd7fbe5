"""The one place that talks to the Kubernetes API (the only package that imports lightkube).

`config` finds a cluster configuration without importing any client; `client.ApiClient` is a
small JSON/REST client over lightkube's authenticated HTTP transport; `resources` maps kinds to
REST paths; `configmaps`, `access`, `jobs` and `runs` are the building blocks the snapshot agent
and validator Jobs share (`validation_jobs` holds what only the validator Jobs need). Decisions
about what to create stay with the callers; this package only sends and reads.
"""
