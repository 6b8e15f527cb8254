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

# The first URI of an enabled Debian archive entry ("deb", not debian-security) in the machine's
# apt sources: deb822 *.sources files first, then one-line sources.list files.
debian_mirror() {
  local f
  shopt -s nullglob
  for f in /etc/apt/sources.list.d/*.sources; do
    awk '
      function flush() {
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^(no|false|0)$/ && uri != "" && uri !~ /debian-security/ \
            && (uri ~ /\/debian\/?$/ || suites ~ /(^|[ \t])(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)(-updates|-backports|-proposed-updates)?([ \t]|$)/) \
            && suites !~ /-security([ \t]|$)/) { print uri; found = 1; exit }
        types = ""; uri = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:"   { sub(/^[^:]*:[ \t]*/, ""); types = $0; next }
      tolower($1) == "uris:"    { uri = $2; next }
      tolower($1) == "suites:"  { sub(/^[^:]*:[ \t]*/, ""); suites = $0; next }
      tolower($1) == "enabled:" { enabled = tolower($2); next }
      END { if (!found) flush() }
    ' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    awk '
      /^[ \t]*deb[ \t]/ {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        uri = $(i); suite = $(i + 1)
        if (uri ~ /debian-security/ || suite ~ /-security$/) next
        if (uri ~ /\/debian\/?$/ || suite ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)(-updates|-backports|-proposed-updates)?$/) { print uri; exit }
      }
    ' "$f"
  done
  shopt -u nullglob
}
MIRROR="$(debian_mirror | head -1)"
if [[ -z "$MIRROR" ]]; then
  say "no Debian archive mirror found in the machine's apt sources (/etc/apt/sources.list.d/*.sources URIs: lines or /etc/apt/sources.list deb lines, debian-security excluded)"
  say "install nats-server ($FLOOR) yourself and set CAIRN_NATS_SERVER to its path"
  exit 1
fi

say "fetching Debian $SUITE's nats-server package from $MIRROR with a private apt configuration"
WORK="$TOOLS/apt"
mkdir -p "$WORK/etc" "$WORK/state/lists/partial" "$WORK/cache/archives/partial" "$WORK/debs" "$TOOLS/bin"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
if [[ ! -f "$KEYRING" ]]; then say "missing $KEYRING (package debian-archive-keyring)"; exit 1; fi
echo "deb [signed-by=$KEYRING] ${MIRROR%/} $SUITE main" > "$WORK/etc/sources.list"
# Lists fetched for another suite (an earlier trixie run) must not be mixed in.
rm -rf "$WORK/state/lists" && mkdir -p "$WORK/state/lists/partial"
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
check "$BIN" || { say "Debian $SUITE's package ($(basename "$DEB")) is not patched either: install nats-server ($FLOOR) and set CAIRN_NATS_SERVER"; exit 1; }
