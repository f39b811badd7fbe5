"""AICRConfig: the `--config` file of snapshot, recipe, query, bundle, validate and verify.

`schema` holds the typed document (one Struct per section), `load` reads and strictly decodes a
file or http(s) URL (edge), `bindings` maps every config key to the command-line option it
stands for (pure data). Applying a section to parsed flags is the CLI's job
(`aicr.cli.config_apply`).
"""

from __future__ import annotations

from aicr.config.load import load_config
from aicr.config.schema import API_VERSIONS, KIND, AICRConfig

__all__ = ["API_VERSIONS", "KIND", "AICRConfig", "load_config"]
