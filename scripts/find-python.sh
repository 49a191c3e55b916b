#!/usr/bin/env bash
# Prints the path of a working Python 3.10 (Rasa 3.6 needs exactly 3.10), or explains the fix.
set -u
candidates=("${PYTHON:-}" python3.10)
root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$root"/versions/3.10*/bin; do candidates+=("$dir/python3.10"); done
candidates+=(/usr/local/bin/python3.10 /usr/bin/python3.10)
for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] || continue
  if version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) && [ "$version" = "3.10" ]; then
    command -v "$candidate"
    exit 0
  fi
done
cat >&2 <<'MSG'
Python 3.10 was not found, and Rasa 3.6 needs exactly Python 3.10.
Fix it one of these ways, then run the command again:
  - pyenv:  pyenv install 3.10      (this project finds ~/.pyenv/versions/3.10*/bin/python3.10 itself)
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv
  - or point to one: make run PYTHON=/path/to/python3.10
MSG
exit 1
