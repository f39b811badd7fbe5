"""Air-gap mirroring: every container image and Helm chart a recipe needs (`aicr mirror list`).

`collect.discover` renders each bundled component (chart + manifests) with real Helm and lists
its images; `output.render` writes yaml, json, Hauler or Zarf. Nothing is pushed anywhere.
"""
