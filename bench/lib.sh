#!/usr/bin/env bash
# Shared by the benchmark scripts: the release binary, the machine's description, and replacing one
# section of docs/benchmarks.md (from its '## ' heading to the next) with a new one.

bench_binary() {
  swift build -c release >/dev/null
  echo "$(swift build -c release --show-bin-path)/driftmpi"
}

bench_machine() {
  echo "$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(mpirun --version | head -1)"
}

# bench_replace_section "## Heading" section.md: writes the section into docs/benchmarks.md.
bench_replace_section() {
  local heading="$1" section="$2" doc=docs/benchmarks.md tmp
  [ -f "$doc" ] || printf '# Benchmarks\n\nEvery figure here was measured by a script in bench/, on the machine it names.\n' > "$doc"
  tmp=$(mktemp)
  awk -v sec="$section" -v head="$heading" '
    index($0, head) == 1 { while ((getline l < sec) > 0) print l; skip = 1; done = 1; next }
    /^## / && skip { skip = 0; print "" }
    !skip { print }
    END { if (!done) { print ""; while ((getline l < sec) > 0) print l } }
  ' "$doc" > "$tmp"
  mv "$tmp" "$doc"
  echo "wrote $doc"
}
