#!/usr/bin/env bash
# Makes sure Debian's headless Chromium (/usr/bin/chromium) is installed for the browser tests
# (tests/browser/, Playwright with executable_path). Never downloads Playwright's own browsers.
# Fast when chromium already runs; otherwise installs it with apt-get (needs root).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

works() {
  [ -x "$CHROMIUM" ] && "$CHROMIUM" --headless=new --no-sandbox --version >/dev/null 2>&1
}

if works; then
  echo "browser: $("$CHROMIUM" --version 2>/dev/null | head -1) already installed at $CHROMIUM"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<MSG
browser: $CHROMIUM is missing or does not run, and installing it needs root.
Install it by hand, then run the command again:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core
(The browser tests use Debian's chromium only; never run 'playwright install'.)
MSG
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "browser: apt-get could not install chromium (output above)" >&2
  exit 1
fi
if ! works; then
  echo "browser: chromium was installed but '$CHROMIUM --headless=new --version' fails" >&2
  exit 1
fi
echo "browser: installed $("$CHROMIUM" --version 2>/dev/null | head -1) with apt-get (chromium fonts-dejavu-core)"
