"""Imports every module that registers commands on the app."""

from extensor.cli import _analysis_cmds, _knowledge_cmds, _log_cmds, _web_cmds  # noqa: F401
