# Fetching files out of Debian packages without installing them, with each file's licence.
# Sourced by scripts/get-demo-data and scripts/get-demo-video; bash only.
#   package_versions PKG...       -> "PKG=VERSION ..." (apt's candidates), or exits if apt lacks one
#   unpack_packages CACHE WORK PKG...
#                                 downloads missing .debs into CACHE (kept for re-runs) and
#                                 unpacks each into WORK/pkg/PKG; fills pkg_version[PKG]
#   licence_of PATH COPYRIGHT     -> "LICENCE<TAB>FIRST COPYRIGHT LINE" of an installed file
declare -A pkg_version

package_versions() {
  local p v out=""
  for p in "$@"; do
    v=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [[ -z $v || $v == "(none)" ]]; then
      echo "$(basename "$0"): apt knows no package $p; run 'apt-get update' first" >&2
      exit 1
    fi
    out+="$p=$v "
  done
  printf '%s' "$out"
}

# A .deb's name carries its version with any epoch's ':' written as %3a.
deb_of() { ls "$1/${2}_"*"${3#*:}_"*.deb 2>/dev/null | head -n 1; }

unpack_packages() {
  local cache=$1 work=$2 p v
  shift 2
  mkdir -p "$cache"
  # apt's _apt user downloads into a folder it may write, then the files move to the cache.
  chmod 755 "$work"
  mkdir -m 777 -p "$work/download" "$work/pkg"
  for p in "$@"; do
    v=$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')
    pkg_version[$p]=$v
    [[ -n $(deb_of "$cache" "$p" "$v") ]] || (cd "$work/download" && apt-get download -q "$p" >/dev/null)
  done
  mv -f "$work/download/"*.deb "$cache/" 2>/dev/null || true
  for p in "$@"; do
    dpkg-deb -x "$(deb_of "$cache" "$p" "${pkg_version[$p]}")" "$work/pkg/$p"
  done
}

# DEP-5 copyright -> one line per stanza: patterns TAB licence TAB first copyright line.
copyright_stanzas() {
  awk '
    function flush() { if (files != "") print files "\t" lic "\t" cop; files = lic = cop = ""; field = "" }
    /^[[:space:]]*$/ { flush(); next }
    /^Files:/ { field = "files"; sub(/^Files:[[:space:]]*/, ""); files = $0; next }
    /^License:/ { field = ""; sub(/^License:[[:space:]]*/, ""); lic = $0; next }
    /^Copyright:/ { field = ""; sub(/^Copyright:[[:space:]]*/, ""); cop = $0; next }
    /^[^[:space:]]/ { field = ""; next }
    field == "files" { sub(/^[[:space:]]+/, ""); files = files " " $0 }
    END { flush() }' "$1"
}

# The licence of an installed file: the last stanza with a pattern matching the end of its path
# (copyright files name paths in the source tree, which the package installs under a prefix).
licence_of() {
  local - path=/$1 copyright=$2 found=$'unknown\t' patterns lic cop pattern
  set -f  # patterns are globs to match, not to expand
  while IFS=$'\t' read -r patterns lic cop; do
    for pattern in $patterns; do
      # shellcheck disable=SC2053  # the pattern is a glob on purpose
      if [[ $path == */$pattern ]]; then found="$lic"$'\t'"$cop"; fi
    done
  done < <(copyright_stanzas "$copyright")
  printf '%s' "$found"
}
