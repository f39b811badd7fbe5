"""The validator image's side of `aicr validate`: a small runtime and the built-in checks.

Runs INSIDE a validator Job's container (`python -m aicr.validators <check>`), never in the
CLI process. `runtime` implements the container contract (mounted snapshot and recipe, stdout
evidence, `##AICR-EXTRA##` extras, termination message, exit codes 0/1/2); `checks` holds the
checks by name. Kubernetes access goes through `aicr.k8s` like everywhere else.
"""
