#!/usr/bin/env bash
# Makes Debian's chromium available to the browser tests (tests/e2e/ui.test.ts drives it with
# playwright-core; Playwright's own browser download is not used) and prints its path on the last
# line: one already installed, else Debian's package installed with apt-get (as root).
set -euo pipefail
say() { printf 'setup-chromium: %s\n' "$*" >&2; }
for bin in "${CAIRN_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -n "$bin" && -x "$bin" ]]; then echo "$bin"; exit 0; fi
done
if [[ "$(id -u)" != "0" ]]; then
  say "chromium is not installed and this is not root: install Debian's package (apt-get install chromium) or set CAIRN_CHROMIUM"
  exit 1
fi
say "installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y --no-install-recommends chromium >&2
[[ -x /usr/bin/chromium ]] || { say "apt-get installed no /usr/bin/chromium"; exit 1; }
/usr/bin/chromium --version >&2 || true
echo /usr/bin/chromium
