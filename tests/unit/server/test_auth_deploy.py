"""The deploy manifests offer the bearer-token Secret as an optional, read-only directory mount."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEPLOYMENT = Path(__file__).resolve().parents[3] / "deploy" / "deployment.yaml"


def pod() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(DEPLOYMENT.read_text())["spec"]["template"]["spec"]
    return spec


def test_the_tokens_secret_is_optional() -> None:
    volume = next(v for v in pod()["volumes"] if v["name"] == "auth-tokens")
    assert volume["secret"] == {"secretName": "aicrd-auth-tokens", "optional": True, "defaultMode": 0o440}


def test_the_tokens_secret_is_mounted_read_only_without_subpath() -> None:
    mount = next(m for m in pod()["containers"][0]["volumeMounts"] if m["name"] == "auth-tokens")
    assert mount == {"name": "auth-tokens", "mountPath": "/etc/aicrd/auth", "readOnly": True}


def test_auth_stays_off_unless_the_operator_turns_it_on() -> None:
    names = {e["name"] for e in pod()["containers"][0]["env"]}
    assert "AICR_AUTH_TOKENS_FILE" not in names
    assert "value: /etc/aicrd/auth/tokens.yaml" in DEPLOYMENT.read_text()
