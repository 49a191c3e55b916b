"""Meeting finder: 12-step and SMART Recovery meetings from the feed formats the recovery world uses."""
