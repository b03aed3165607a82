"""Imports every module that registers commands on the app."""

from extensor.cli import (  # noqa: F401
    _analysis_cmds,
    _batch_cmds,
    _compare_cmds,
    _history_cmds,
    _knowledge_cmds,
    _live_cmds,
    _next_cmds,
    _profile_cmds,
    _transfer_cmds,
    _web_cmds,
)
