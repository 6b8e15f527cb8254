#!/usr/bin/env bash
# Makes bubblewrap (bwrap) available to the shell sandbox's tests and prints its path on the last
# line: one on PATH, else Debian's package for this machine's own release, fetched into .tools/bin
# (see scripts/lib/debian.sh; nothing installed on the system). The tests use it through
# CAIRN_TEST_BWRAP, so the system still has no bwrap and the "no bubblewrap" refusals are tested too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin/bwrap"
say() { printf 'setup-bwrap: %s\n' "$*" >&2; }
if command -v bwrap >/dev/null 2>&1; then command -v bwrap; exit 0; fi
if [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1; then echo "$BIN"; exit 0; fi
# shellcheck source=lib/debian.sh
source "$ROOT/scripts/lib/debian.sh"
SUITE="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
[[ -n "$SUITE" ]] || { say "cannot tell this machine's Debian release (/etc/os-release VERSION_CODENAME)"; exit 1; }
fetch_deb_binary "$SUITE" bubblewrap usr/bin/bwrap "$BIN"
"$BIN" --version >&2
echo "$BIN"
