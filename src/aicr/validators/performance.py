"""Performance-phase checks: does the cluster reach the numbers the recipe states?

Registry only; each check lives in its own module (nccl_check, inference_check).
"""

from __future__ import annotations

from aicr.validators.inference_check import inference_perf
from aicr.validators.nccl_check import nccl_check

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from aicr.validators.runtime import CheckContext

CHECKS: dict[str, Callable[[CheckContext], None]] = {
    "nccl-all-reduce-bw": nccl_check(""),
    "nccl-all-reduce-bw-net": nccl_check("net"),
    "nccl-all-reduce-bw-nvls": nccl_check("nvls"),
    "inference-perf": inference_perf,
}
