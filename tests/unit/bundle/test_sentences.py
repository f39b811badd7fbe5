"""Warnings and notes are written as sentences."""

from __future__ import annotations

import pytest

from aicr.bundle.sentences import sentence


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("requires the helmfile CLI on $PATH", "Requires the helmfile CLI on $PATH."),
        ("Already a sentence.", "Already a sentence."),
        ("skyhook-customizations is enabled", "skyhook-customizations is enabled."),
        ("--repo is ignored", "--repo is ignored."),
        ("  spaced out  ", "Spaced out."),
        ("", ""),
    ],
)
def test_sentence(given: str, expected: str) -> None:
    assert sentence(given) == expected


def test_the_summary_repeats_warnings_and_counts_what_verify_counts() -> None:
    from aicr.bundle.api import BundleResult
    from aicr.bundle.model import DeployerOutput
    from aicr.bundle.tree import BundleTree

    tree = BundleTree()
    for name in ("README.md", "deploy.sh", "001-a/values.yaml", "checksums.txt"):
        tree.add(name, "x\n")
    output = DeployerOutput("Helm per-component bundle", "deploy.sh")
    output.warnings = ["gpu-operator: network-operator is disabled"]
    output.notes = ["requires the helmfile CLI on $PATH"]
    summary = BundleResult("/out", tree, output, "helm").summary()
    assert "Files generated: 3 plus checksums.txt (aicr verify checks the same 3)" in summary
    assert "Warnings (1):\n  - gpu-operator: network-operator is disabled.\n" in summary
    assert "Notes:\n  - Requires the helmfile CLI on $PATH.\n" in summary
