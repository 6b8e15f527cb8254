#!/usr/bin/env bash
# Makes a patched nats-server available to Cairn and prints its path on the last line.
#
# "Patched" means it carries the fixes for the 2026 nats-server advisories (CVE-2026-33223
# Nats-Request-Info spoofing, CVE-2026-33222 stream-restore authorization bypass, CVE-2026-33247
# credentials on the command line exposed to monitoring, and the later 2.11.16/2.12.7 fixes):
#   2.11.x >= 2.11.16, 2.12.x >= 2.12.7, or any 2.13.0+ (there was no 2.13 release; 2.14.0 has
#   the fixes). The same floor is applied by libs/bus (connectNats) and libs/natsd (findNatsServer).
#
# Order of preference:
#   1. $CAIRN_NATS_SERVER, if set (must be patched; refused otherwise, nothing else is tried);
#   2. the project's own copy in .tools/bin/nats-server (git-ignored) — an unpatched copy left by
#      an earlier run (e.g. Debian trixie's 2.10.27) is refused and replaced;
#   3. a nats-server on PATH, if it is patched;
#   4. Debian forky's nats-server package, fetched with apt using a private sources list and
#      private state/cache dirs (the system's apt configuration is not touched), unpacked with
#      dpkg-deb into .tools/ — no root install, nothing left in /usr. The Debian mirror is the
#      one the machine's own apt sources use (first non-security Debian archive entry of
#      /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list); no package host is named here.
# Anything unpatched is refused with a message naming the version found.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin/nats-server"
SUITE=forky
FLOOR="2.11.16 within 2.11.x, 2.12.7 within 2.12.x, or any 2.13.0+"
CVES="CVE-2026-33223, CVE-2026-33222, CVE-2026-33247"

say() { printf 'setup-nats: %s\n' "$*" >&2; }

# "nats-server: v2.15.1" → "2.15.1"; a pre-release keeps its suffix ("2.12.7-RC.1").
version_of() { "$1" --version 2>/dev/null | sed -n 's/.*v\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*[-+A-Za-z0-9.]*\).*/\1/p' | head -1; }

# Splits a version into the globals MAJ MIN PAT PRE (PRE=1 for a pre-release); fails if unparsable.
split_version() {
  local core="${1%%[-+]*}"
  MAJ="${core%%.*}"; core="${core#*.}"; MIN="${core%%.*}"; PAT="${core#*.}"
  PRE=0; [[ "$1" == *-* ]] && PRE=1
  [[ "$MAJ" =~ ^[0-9]+$ && "$MIN" =~ ^[0-9]+$ && "$PAT" =~ ^[0-9]+$ ]]
}

# >= 2.10: the oldest server Cairn can run on at all (multi-filter consumers).
at_least_2_10() { split_version "$1" && (( MAJ > 2 || (MAJ == 2 && MIN >= 10) )); }

# The patched floor. A pre-release of the floor release itself (2.12.7-RC.1) is not the release.
is_patched() {
  split_version "$1" || return 1
  local need
  if (( MAJ > 2 || (MAJ == 2 && MIN >= 13) )); then return 0; fi
  if (( MAJ == 2 && MIN == 12 )); then need=7
  elif (( MAJ == 2 && MIN == 11 )); then need=16
  else return 1; fi
  (( PAT > need || (PAT == need && PRE == 0) ))
}

check() { # $1 = path; prints the path and exits 0 when patched
  local v
  v="$(version_of "$1")"
  if [[ -n "$v" ]] && is_patched "$v"; then
    say "using $1 (nats-server $v)"
    echo "$1"
    exit 0
  fi
  if [[ -z "$v" ]]; then
    say "refusing $1: nats-server of unknown version (Cairn needs $FLOOR)"
  elif ! at_least_2_10 "$v"; then
    say "refusing $1: nats-server $v is older than 2.10 and lacks the fixes for $CVES (Cairn needs $FLOOR)"
  else
    say "refusing $1: nats-server $v lacks the fixes for $CVES (Cairn needs $FLOOR)"
  fi
  return 1
}

if [[ -n "${CAIRN_NATS_SERVER:-}" ]]; then
  check "$CAIRN_NATS_SERVER" || exit 1
fi
if [[ -x "$BIN" ]]; then check "$BIN" || say "replacing $BIN"; fi
if command -v nats-server >/dev/null 2>&1; then check "$(command -v nats-server)" || true; fi

command -v apt-get >/dev/null 2>&1 || { say "no patched nats-server and no apt-get to fetch one: install nats-server ($FLOOR) and set CAIRN_NATS_SERVER"; exit 1; }

# shellcheck source=lib/debian.sh
source "$ROOT/scripts/lib/debian.sh"
fetch_deb_binary "$SUITE" nats-server usr/sbin/nats-server "$BIN" || { say "install nats-server ($FLOOR) yourself and set CAIRN_NATS_SERVER to its path"; exit 1; }
check "$BIN" || { say "Debian $SUITE's package is not patched either: install nats-server ($FLOOR) and set CAIRN_NATS_SERVER"; exit 1; }
