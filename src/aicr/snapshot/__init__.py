"""The snapshot stage: measure a GPU node (OS, SystemD, GPU, Kubernetes, node topology).

`api` is the library entry point, `model` the document, `collectors/` the readers, `collect`
the concurrent orchestration, `agent` the in-cluster Job. This module holds only the agent image
name so the CLI can show its default without importing anything else.
"""

from __future__ import annotations

from aicr.version import VERSION

AGENT_IMAGE_REPOSITORY = "aicr-agent"
DEFAULT_AGENT_IMAGE = f"{AGENT_IMAGE_REPOSITORY}:v{VERSION}"
