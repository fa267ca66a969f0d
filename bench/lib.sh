# Helpers shared by the benchmark scripts (sourced, not run).

# The header every results file starts with.
bench_header() {
  echo "# $1"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
  echo "- compiler: $(clang-19 --version | head -1)"
  echo
}

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# private_apt DIR [updates]: an apt configuration under DIR whose only
# sources are Debian bookworm's source packages (with bookworm-updates and
# the security archive when "updates" is given), so the machine's own
# sources need no deb-src entry. Fetches the lists and leaves the options
# apt-get needs to use it in APT_OPTS.
private_apt() {
  local apt="$1" suites=bookworm
  [ "${2:-}" = updates ] && suites="bookworm bookworm-updates"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts"
  {
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\n' "$suites"
    printf 'Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [ "${2:-}" = updates ]; then
      printf '\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\n'
      printf 'Suites: bookworm-security\nComponents: main\n'
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } > "$apt/parts/src.sources"
  APT_OPTS=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/parts"
            -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  apt-get "${APT_OPTS[@]}" update -qq
}
