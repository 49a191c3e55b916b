"""The trained NLU pipeline in this process, for the evaluations and the parse benchmark."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict


def nlu_parser(model: Path, settings_env: Dict[str, str], project_root: Path) -> Callable[[str], Dict[str, Any]]:
    """Parses one message at a time as the service does, with Rasa's logging quiet."""
    os.environ.update(settings_env)
    sys.path.insert(0, str(project_root))  # Rasa imports our components by module path
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.ERROR)  # Rasa logs every parse otherwise; the report is what matters
    logging.disable(logging.WARNING)
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))
