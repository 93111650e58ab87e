#!/usr/bin/env bash
# Seal and open one large CSV; compare with `sha256sum` of the same file in the same run (the
# floor: sealing must read and hash every byte at least once), and time the release-build
# `freeport open` of the package against `age -d` piped to `sha256sum` (decrypt and hash, the
# least an open can do) in the same run. Goal (issue 15): open <= 1.5 x age -d | sha256sum.
# Usage: bench/seal/run.sh [FILE]   (PROFILE=dev to skip the slow LTO release build;
#        REPS=N open/age runs each, the best counts; default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
file="${1:-}"
if [ -z "$file" ]; then
  file="${TMPDIR:-/tmp}/freeport-seal-bench-200mb.csv"
  if [ ! -f "$file" ]; then
    # 200 MB of CSV-shaped incompressible text.
    head -c 150000000 /dev/urandom | base64 -w 99 | sed 's/^/row,/' > "$file"
  fi
fi
if ! command -v age > /dev/null; then
  echo "installing age (Debian package) for the anchor" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y age >&2; else sudo apt-get install -y age >&2; fi
fi
profile="${PROFILE:-release}"
reps="${REPS:-3}"
cargo build --profile "$profile" -p freeport-seal --example seal_bench >&2
cargo build --profile "$profile" -p freeport --bin freeport >&2
dir="$profile"; [ "$profile" = dev ] && dir=debug
target="${CARGO_TARGET_DIR:-target}/$dir"
work="$(mktemp -d "${TMPDIR:-/tmp}/freeport-seal-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat "$file" > /dev/null  # warm the page cache for both runs
start=$(date +%s.%N); sha256sum "$file" > /dev/null; end=$(date +%s.%N)
echo "sha256sum (anchor)           $(echo "$end - $start" | bc) s"
"$target/examples/seal_bench" "$file" "$work"

# `freeport open` (verify, one decryption into anonymous files, link into place) against
# `age -d | sha256sum`, alternating, the best of REPS each; the package is in the page cache.
cat "$work/bench.fdp/payload.age" > /dev/null
best() { sort -n | head -1; }
opens=(); ages=()
for i in $(seq "$reps"); do
  rm -rf "$work/out"
  start=$(date +%s.%N)
  FREEPORT_HOME="$work/home" "$target/freeport" open "$work/bench.fdp" \
    --identity "$work/age.key" --trust "$work/trust.toml" -o "$work/out" > /dev/null
  end=$(date +%s.%N); opens+=("$(echo "$end - $start" | bc)")
  start=$(date +%s.%N)
  age -d -i "$work/age.key" "$work/bench.fdp/payload.age" | sha256sum > /dev/null
  end=$(date +%s.%N); ages+=("$(echo "$end - $start" | bc)")
done
open_s=$(printf '%s\n' "${opens[@]}" | best)
age_s=$(printf '%s\n' "${ages[@]}" | best)
echo "freeport open ($profile)     $open_s s   (runs: ${opens[*]})"
echo "age -d | sha256sum (anchor)  $age_s s   (runs: ${ages[*]})"
echo "ratio                        $(echo "scale=2; $open_s / $age_s" | bc) x"
