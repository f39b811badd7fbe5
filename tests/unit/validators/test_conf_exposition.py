"""The Prometheus exposition parser and the accelerator-metrics judge on real DCGM exporter output."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from aicr.errors import AicrError
from aicr.validators.conf_exposition import metric_names, parse_exposition, parse_line
from aicr.validators.conf_metrics import REQUIRED_DCGM, judge_accelerator_metrics

FIXTURES = Path(__file__).parents[2] / "fixtures" / "validators" / "conformance"


def test_dcgm_fixture_yields_every_sample_with_labels() -> None:
    samples = parse_exposition((FIXTURES / "dcgm-exporter.txt").read_text())
    temp = [s for s in samples if s.name == "DCGM_FI_DEV_GPU_TEMP"]
    assert [s.value for s in temp] == [33.0, 35.0]
    assert temp[0].labels["modelName"] == "NVIDIA H100 80GB HBM3"
    assert temp[0].labels["pod"] == ""


def test_dcgm_fixture_has_all_required_metrics() -> None:
    missing, lines = judge_accelerator_metrics(parse_exposition((FIXTURES / "dcgm-exporter.txt").read_text()))
    assert missing == []
    assert lines[0].startswith("DCGM_FI_DEV_GPU_UTIL: 2 sample(s), gpu 0,1")


def test_missing_power_and_framebuffer_metrics_are_named() -> None:
    text = (FIXTURES / "dcgm-exporter-no-power-fb.txt").read_text()
    missing, _ = judge_accelerator_metrics(parse_exposition(text))
    assert missing == ["DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_POWER_USAGE"]


def test_empty_exposition_misses_every_required_metric() -> None:
    missing, _ = judge_accelerator_metrics(parse_exposition("# HELP nothing\n"))
    assert missing == list(REQUIRED_DCGM)


def test_escaped_label_values_are_unescaped() -> None:
    sample = parse_line('m{a="x\\"y",b="c\\\\d",n="l1\\nl2"} 1', 1)
    assert sample is not None
    assert sample.labels == {"a": 'x"y', "b": "c\\d", "n": "l1\nl2"}


def test_timestamp_is_accepted_and_dropped() -> None:
    sample = parse_line('http_requests_total{code="200"} 1027 1395066363000', 1)
    assert sample is not None and sample.value == 1027.0


def test_special_values_parse() -> None:
    values = [s.value for s in parse_exposition("a NaN\nb +Inf\nc -Inf\n")]
    assert math.isnan(values[0]) and values[1] == math.inf and values[2] == -math.inf


def test_metric_without_labels_parses() -> None:
    assert metric_names(parse_exposition("process_cpu_seconds_total 12.5\n")) == {"process_cpu_seconds_total"}


def test_bad_value_names_the_line() -> None:
    with pytest.raises(AicrError, match="metrics line 2: bad sample value"):
        parse_exposition("ok 1\nbroken twelve\n")


def test_unterminated_label_is_rejected() -> None:
    with pytest.raises(AicrError, match="unterminated label value"):
        parse_exposition('m{a="open} 1\n')


def test_service_proxy_path_goes_through_the_api_server() -> None:
    from aicr.k8s.proxy import service_proxy_path

    assert service_proxy_path("gpu-operator", "nvidia-dcgm-exporter", 9400, "/metrics") == (
        "/api/v1/namespaces/gpu-operator/services/nvidia-dcgm-exporter:9400/proxy/metrics"
    )
