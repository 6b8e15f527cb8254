#!/usr/bin/env bash
# Makes a nats-server >= 2.10 available to Cairn and prints its path on the last line.
#
# Order of preference:
#   1. $CAIRN_NATS_SERVER, if set (must be >= 2.10);
#   2. the project's own copy in .tools/bin/nats-server (git-ignored);
#   3. a nats-server on PATH, if its version is >= 2.10;
#   4. Debian trixie's nats-server package, fetched with apt using a private sources list and
#      private state/cache dirs (the system's apt configuration is not touched), unpacked with
#      dpkg-deb into .tools/ — no root install, nothing left in /usr.
# Anything older than 2.10 is refused with a message naming the version found.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin/nats-server"
MIN_MAJOR=2
MIN_MINOR=10

say() { printf 'setup-nats: %s\n' "$*" >&2; }

version_of() { "$1" --version 2>/dev/null | sed -n 's/.*v\([0-9][0-9.]*\).*/\1/p' | head -1; }

is_ok() { # $1 = version string like 2.10.27
  local major minor
  major="${1%%.*}"; minor="${1#*.}"; minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  (( major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR) ))
}

check() { # $1 = path; prints path and exits 0 when good enough
  local v
  v="$(version_of "$1")"
  if [[ -n "$v" ]] && is_ok "$v"; then
    say "using $1 (nats-server $v)"
    echo "$1"
    exit 0
  fi
  say "refusing $1: nats-server ${v:-of unknown version} is older than $MIN_MAJOR.$MIN_MINOR (Cairn needs >= 2.10; 2.10.23+ for production)"
  return 1
}

if [[ -n "${CAIRN_NATS_SERVER:-}" ]]; then
  check "$CAIRN_NATS_SERVER" || exit 1
fi
if [[ -x "$BIN" ]]; then check "$BIN" || true; fi
if command -v nats-server >/dev/null 2>&1; then check "$(command -v nats-server)" || true; fi

command -v apt-get >/dev/null 2>&1 || { say "no suitable nats-server and no apt-get to fetch one: install nats-server >= 2.10 and set CAIRN_NATS_SERVER"; exit 1; }

say "fetching Debian trixie's nats-server package with a private apt configuration"
WORK="$TOOLS/apt"
mkdir -p "$WORK/etc" "$WORK/state/lists/partial" "$WORK/cache/archives/partial" "$WORK/debs" "$TOOLS/bin"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
if [[ ! -f "$KEYRING" ]]; then say "missing $KEYRING (package debian-archive-keyring)"; exit 1; fi
echo "deb [signed-by=$KEYRING] http://deb.debian.org/debian trixie main" > "$WORK/etc/sources.list"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$WORK/etc/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State=$WORK/state"
  -o "Dir::State::status=/var/lib/dpkg/status"
  -o "Dir::Cache=$WORK/cache"
  -o "APT::Sandbox::User=root"
  -o "Debug::NoLocking=1"
)
apt-get "${APT_OPTS[@]}" -qq update >&2
( cd "$WORK/debs" && rm -f nats-server_*.deb && apt-get "${APT_OPTS[@]}" -qq download nats-server >&2 )
DEB="$(ls "$WORK/debs"/nats-server_*.deb | head -1)"
rm -rf "$WORK/unpacked" && dpkg-deb -x "$DEB" "$WORK/unpacked"
install -m 0755 "$WORK/unpacked/usr/sbin/nats-server" "$BIN"
rm -rf "$WORK/unpacked"
check "$BIN" || exit 1
