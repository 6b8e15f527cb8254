#!/usr/bin/env bash
# Fetching one binary out of a Debian package into the project's git-ignored .tools/, with apt
# using a private sources list and private state/cache dirs (the system's apt configuration is not
# touched), unpacked with dpkg-deb — no root install, nothing left in /usr. The Debian mirror is the
# one the machine's own apt sources use (first non-security Debian archive entry of
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list); no package host is named here.
# Sourced by scripts/setup-*.sh; they define `say` and ROOT.

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

# fetch_deb_binary SUITE PACKAGE PATH-IN-PACKAGE DEST: installs the file into DEST (mode 0755).
fetch_deb_binary() {
  local suite="$1" pkg="$2" inner="$3" dest="$4" mirror work deb keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  command -v apt-get >/dev/null 2>&1 || { say "no apt-get to fetch $pkg with"; return 1; }
  mirror="$(debian_mirror | head -1)"
  if [[ -z "$mirror" ]]; then
    say "no Debian archive mirror found in the machine's apt sources (/etc/apt/sources.list.d/*.sources URIs: lines or /etc/apt/sources.list deb lines, debian-security excluded)"
    return 1
  fi
  if [[ ! -f "$keyring" ]]; then say "missing $keyring (package debian-archive-keyring)"; return 1; fi
  say "fetching Debian $suite's $pkg package from $mirror with a private apt configuration"
  work="$ROOT/.tools/apt-$suite"
  mkdir -p "$work/etc" "$work/cache/archives/partial" "$work/debs" "$(dirname "$dest")"
  echo "deb [signed-by=$keyring] ${mirror%/} $suite main" > "$work/etc/sources.list"
  rm -rf "$work/state/lists" && mkdir -p "$work/state/lists/partial"
  local opts=(
    -o "Dir::Etc::SourceList=$work/etc/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State=$work/state"
    -o "Dir::State::status=/var/lib/dpkg/status"
    -o "Dir::Cache=$work/cache"
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=1"
  )
  apt-get "${opts[@]}" -qq update >&2 || return 1
  ( cd "$work/debs" && rm -f "${pkg}"_*.deb && apt-get "${opts[@]}" -qq download "$pkg" >&2 ) || return 1
  deb="$(ls "$work/debs/${pkg}"_*.deb | head -1)"
  rm -rf "$work/unpacked" && dpkg-deb -x "$deb" "$work/unpacked"
  install -m 0755 "$work/unpacked/$inner" "$dest"
  rm -rf "$work/unpacked"
}
