"""The one place that talks to the Kubernetes API (the only package that imports lightkube).

`config` finds a cluster configuration without importing any client; `client.ApiClient` is a
small JSON/REST client over lightkube's authenticated HTTP transport; `configmaps`, `access`,
`jobs` and `cleanup` are the building blocks the snapshot agent and validator Jobs share.
"""
