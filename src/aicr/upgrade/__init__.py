"""Upgrade checks: per-component verdicts for moving between two recipes, from transition records.

`semver` parses versions and ranges, `records` decodes the transition records kept in the
embedded catalog (`catalog/data/transitions.yaml`), `assess` decides a verdict per changed
component (pure), and `report` renders the result as a table, JSON or YAML.
"""
