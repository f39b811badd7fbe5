"""--cncf-submission: feature selection, verdicts, check environment and the Markdown it renders."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError
from aicr.validate.cncf import (
    FEATURES,
    CheckEvidence,
    FeatureEvidence,
    check_env,
    feature_verdict,
    resolve_features,
)
from aicr.validate.evidence import render_submission


def test_no_feature_or_all_selects_every_feature_in_order() -> None:
    assert resolve_features([]) == list(FEATURES) == resolve_features(["dra", "all"])


def test_aliases_resolve_and_duplicates_collapse_in_table_order() -> None:
    assert resolve_features(["hpa", "dra", "dra-support", "operator"]) == [
        "dra-support",
        "robust-operator",
        "pod-autoscaling",
    ]


def test_ai_service_metrics_is_selectable() -> None:
    assert resolve_features(["ai-service-metrics"]) == ["ai-service-metrics"]


def test_unknown_feature_is_invalid_request() -> None:
    with pytest.raises(AicrError, match='invalid feature "nope"') as err:
        resolve_features(["nope"])
    assert err.value.code == "INVALID_REQUEST"


def test_any_fail_fails_the_feature() -> None:
    assert feature_verdict(["PASS", "FAIL", "SKIP"]) == "FAIL"


def test_all_skipped_is_skip() -> None:
    assert feature_verdict(["SKIP", "SKIP"]) == "SKIP"


def test_pass_with_a_skip_is_pass() -> None:
    assert feature_verdict(["PASS", "SKIP"]) == "PASS"


def test_catalog_env_defaults_yield_to_the_callers_environment() -> None:
    entry = {
        "env": [
            {"name": "AICR_CUDA_IMAGE", "value": "nvcr.io/nvidia/cuda:13.0.0-base-ubuntu22.04"},
            {"name": "AICR_KAI_QUEUE", "value": "default-queue"},
        ]
    }
    env = check_env(
        entry,
        {"AICR_CUDA_IMAGE": "mirror/cuda:13", "HOME": "/root", "AICR_RUN_ID": "mine"},
        {"AICR_RUN_ID": "run-1"},
    )
    assert env == {
        "AICR_RUN_ID": "run-1",
        "AICR_CUDA_IMAGE": "mirror/cuda:13",
        "AICR_KAI_QUEUE": "default-queue",
    }


def test_rendered_submission_has_index_and_one_file_per_feature() -> None:
    results = [
        FeatureEvidence(
            "dra-support",
            [CheckEvidence("dra-support", "SKIP", "the recipe has no nvidia-dra-driver-gpu", [])],
        ),
        FeatureEvidence(
            "robust-operator",
            [CheckEvidence("robust-controller", "FAIL", "admitted | bad", ["operator: kubeflow-trainer"])],
        ),
    ]
    files = render_submission(results)
    assert sorted(files) == ["dra-support.md", "index.md", "robust-operator.md"]
    assert "**Overall: FAIL** (failed: robust-operator)" in files["index.md"]
    assert "| robust-controller | FAIL | admitted \\| bad |" in files["robust-operator.md"]
    assert "```text\noperator: kubeflow-trainer\n```" in files["robust-operator.md"]


def test_index_has_no_timestamps_only_the_verdict_table() -> None:
    results = [
        FeatureEvidence(
            "gang-scheduling", [CheckEvidence("gang-scheduling", "PASS", "", ["pod a: Succeeded"])]
        )
    ]
    assert render_submission(results)["index.md"] == (
        "# CNCF AI conformance submission evidence\n\n**Overall: PASS**\n\n"
        "| Feature | Result | Checks |\n|---|---|---|\n"
        "| [Gang scheduling](gang-scheduling.md) | PASS | gang-scheduling |\n"
    )
