"""Writing a mirror list in one of `mirror list`'s formats: yaml, json, hauler, zarf.

Pure. yaml and json carry everything, warnings included, in the reference's key order; hauler
and zarf are the air-gap tools' own documents (aicr.mirror.hauler, aicr.mirror.zarf).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.mirror.model import MirrorList

FORMATS = ("yaml", "json", "hauler", "zarf")


def render(mirror: MirrorList, fmt: str) -> str:
    """The text of `mirror` in format `fmt`."""
    if fmt == "yaml":
        from aicr.io.yamlout import dump

        return dump(mirror.to_dict())
    if fmt == "json":
        import json

        return json.dumps(mirror.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "hauler":
        from aicr.mirror import hauler

        return hauler.render(mirror)
    if fmt == "zarf":
        from aicr.mirror import zarf

        return zarf.render(mirror)
    raise AicrError(
        Code.INVALID_REQUEST, f'unknown output format: "{fmt}", valid formats are: {", ".join(FORMATS)}'
    )
