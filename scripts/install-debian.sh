#!/usr/bin/env bash
# Makes sure a program from Debian's packages is installed: fast when its check runs; otherwise
# installs the packages with apt-get (needs root). Never downloads anything else.
#   scripts/install-debian.sh NAME 'CHECK COMMAND' PACKAGE...
# Used for headless Chromium (the browser tests drive /usr/bin/chromium with Playwright; never
# 'playwright install') and HAProxy (several Rasa instances: python -m bot run --instances N).
set -euo pipefail
name="$1" check="$2"
shift 2

if bash -c "$check" >/dev/null 2>&1; then
  echo "$name: already installed ($(bash -c "$check" 2>/dev/null | head -1))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<MSG
$name: '$check' fails, and installing it needs root. Install it by hand, then run the command again:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends $*
MSG
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; } >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "$name: apt-get could not install $* (output above)" >&2
  exit 1
fi
if ! bash -c "$check" >/dev/null 2>&1; then
  echo "$name: $* installed, but '$check' fails" >&2
  exit 1
fi
echo "$name: installed with apt-get ($*): $(bash -c "$check" 2>/dev/null | head -1)"
