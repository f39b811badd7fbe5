"""A synthetic configuration-profile declaration for catalog, resolver, bundle and API tests."""

from __future__ import annotations

from typing import Any

from tests.support.tiny_catalog import overlay

PROFILE_API = "aicr.run/v1alpha3"


def stack_profile(**changes: Any) -> dict[str, Any]:
    """A two-value `gpuStack` declaration over gpu-operator and dra."""
    profile: dict[str, Any] = {
        "name": "gpuStack",
        "description": "who installs the driver",
        "default": "managed",
        "values": {
            "managed": {
                "componentRefs": [
                    {"name": "gpu-operator", "overrides": {"driver": {"enabled": False}}},
                    {"name": "dra", "overrides": {"root": "/"}},
                ],
                "constraints": [{"name": "K8s.pools.driver", "value": "Install"}],
            },
            "operator": {
                "componentRefs": [
                    {"name": "gpu-operator", "overrides": {"driver": {"enabled": True}}},
                    {"name": "dra", "overrides": {"root": "/run/nvidia/driver"}},
                ],
                "constraints": [{"name": "K8s.pools.driver", "value": "None"}],
            },
        },
    }
    profile.update(changes)
    return profile


def profiled_overlay(
    name: str, criteria: dict[str, Any], profile: dict[str, Any], **spec: Any
) -> dict[str, Any]:
    doc = overlay(name, criteria, profile=profile, **spec)
    doc["apiVersion"] = PROFILE_API
    return doc
