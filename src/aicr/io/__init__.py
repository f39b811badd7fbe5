"""Documents in and out: locations, strict YAML reading, deterministic YAML writing, atomic files.

`documents` is the edge (stdin/stdout, files, http(s); ConfigMap locations are handed to
`aicr.k8s.configmaps`); `uris`, `yamlin`, `yamlout` and `table` are pure. Nothing here decides
what a document means: the stages check their own kinds and fields.
"""
