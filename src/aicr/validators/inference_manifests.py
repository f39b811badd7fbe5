"""The objects an inference-perf run creates: namespace, DynamoGraphDeployment, AIPerf load Job.

Pure: run parameters in, manifests out. reference/validate.md §4.2: a Dynamo graph serving
Qwen/Qwen3-8B with vLLM (one frontend, one single-GPU decode worker per free GPU) and a load
Job that drives it at 256 concurrent requests per GPU. The load Job's contract (what it
prints) is described in inference.py; it installs `aiperf` from PyPI only when the image lacks
it (set AICR_INFERENCE_LOAD_IMAGE to an image with aiperf for clusters without egress).
"""

from __future__ import annotations

from aicr.k8s.resources import Resource
from aicr.k8s.runs import run_labels, run_metadata, run_namespace_manifest
from aicr.validators.inference import RESULT_MARKER

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DGDS = Resource("nvidia.com/v1alpha1", "dynamographdeployments", True, "DynamoGraphDeployment")
DGD_NAME = "aicr-inference-perf"
LOAD_JOB = "aicr-inference-load"
COMPONENT = "inference-perf"
MODEL = "Qwen/Qwen3-8B"
CONCURRENCY_PER_GPU = 256
DEFAULT_RUNTIME_IMAGE = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.2"
DEFAULT_LOAD_IMAGE = "python:3.12-slim"
FRONTEND_PORT = 8000
ARTIFACTS = "/tmp/aiperf"


def run_namespace(run_id: str) -> str:
    return f"aicr-inference-perf-{run_id}".lower()[:63].rstrip("-")


def _meta(name: str, namespace: str | None, run_id: str) -> dict[str, Any]:
    return run_metadata(name, namespace, run_id, COMPONENT)


def namespace_manifest(namespace: str, run_id: str) -> dict[str, Any]:
    """The per-run namespace, labelled with the run."""
    return run_namespace_manifest(namespace, run_id, COMPONENT)


def graph_deployment(namespace: str, run_id: str, workers: int, image: str) -> dict[str, Any]:
    """The DynamoGraphDeployment: an OpenAI-compatible frontend and `workers` vLLM workers."""
    return {
        "apiVersion": DGDS.api_version,
        "kind": "DynamoGraphDeployment",
        "metadata": _meta(DGD_NAME, namespace, run_id),
        "spec": {
            "services": {
                "Frontend": {
                    "componentType": "frontend",
                    "replicas": 1,
                    "extraPodSpec": {"mainContainer": {"image": image}},
                },
                "VllmDecodeWorker": {
                    "componentType": "worker",
                    "replicas": workers,
                    "resources": {"limits": {"gpu": "1"}},
                    "extraPodSpec": {
                        "mainContainer": {
                            "image": image,
                            "command": ["python3", "-m", "dynamo.vllm"],
                            "args": ["--model", MODEL],
                        }
                    },
                },
            }
        },
    }


def load_script(url: str, concurrency: int) -> str:
    """The load Job's shell script: wait for the model, run AIPerf, print the result."""
    return "\n".join(
        [
            "set -e",
            "command -v aiperf >/dev/null 2>&1 || pip install --quiet aiperf",
            f"python3 -c \"import time,urllib.request as u\nfor _ in range(360):\n  try:\n    u.urlopen('{url}/v1/models',timeout=5); break\n  except Exception: time.sleep(5)\"",
            f"aiperf profile --model {MODEL} --url {url} --endpoint-type chat --streaming "
            f"--concurrency {concurrency} --request-count {concurrency * 10} "
            f"--synthetic-input-tokens-mean 1024 --output-tokens-mean 512 --artifact-dir {ARTIFACTS}",
            f"echo '{RESULT_MARKER}'",
            f"cat {ARTIFACTS}/profile_export_aiperf.json",
        ]
    )


def load_job(namespace: str, run_id: str, gpus: int, image: str) -> dict[str, Any]:
    """The AIPerf Job (256 concurrent requests per GPU, no retries)."""
    url = f"http://{DGD_NAME}-frontend.{namespace}.svc:{FRONTEND_PORT}"
    labels = run_labels(run_id, COMPONENT)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _meta(LOAD_JOB, namespace, run_id),
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {
                            "name": "load",
                            "image": image,
                            "command": ["sh", "-c", load_script(url, CONCURRENCY_PER_GPU * gpus)],
                        }
                    ],
                },
            },
        },
    }
