"""Agent skills: the text that teaches a coding assistant to drive `aicr` (see `aicr.skills.render`)."""
