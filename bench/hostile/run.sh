#!/usr/bin/env bash
# Runs `check` and `scan` over the hostile-input corpora with the built jar and reports, per input,
# the exit code, the maximum resident set size and the wall time, then the promises of
# docs/security.md that any input broke: an exit code other than 0, 1 or 3, a run over the time
# limit (a hang), more than 512 MB of RSS, or an error message of more than one line.
#
# usage: bench/hostile/run.sh [WORKDIR]   (needs python3 and /usr/bin/time)
# It runs the launcher, ./neuronfit, as a user does: the launcher's JVM options (its heap limit
# among them) are part of what is measured.
# The inputs are the committed malformed corpora (core/src/test/resources/malformed), the pickle
# fuzz findings, and large inputs this script writes into WORKDIR (they are too big to commit):
# a 30 MB config.json of empty objects, a safetensors header with a 98 MB __metadata__, and a 19 MB
# pickle of 9.4 million empty dicts.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/neuronfit-hostile.XXXXXX")}"
limit_s=120
limit_kb=$((512 * 1024))
"$root/neuronfit" --version > /dev/null || exit 2 # builds the jar when the sources changed
mkdir -p "$work/large" "$work/out"

python3 - "$work/large" <<'PY'
import json, os, pickle, struct, sys
out = sys.argv[1]
d = os.path.join(out, "config-of-empty-objects"); os.makedirs(d, exist_ok=True)
with open(os.path.join(d, "config.json"), "w") as f:
    f.write('{"model_type": "bert", "x": [' + ",".join(["{}"] * 10_000_000) + "]}")
d = os.path.join(out, "safetensors-huge-metadata"); os.makedirs(d, exist_ok=True)
meta = {"k%d" % i: "" for i in range(6_200_000)}  # a header just under the 100 MB limit
header = json.dumps({"__metadata__": meta, "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}).encode()
with open(os.path.join(d, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(header))); f.write(header); f.write(bytes(16))
d = os.path.join(out, "pickle-of-empty-dicts"); os.makedirs(d, exist_ok=True)
with open(os.path.join(d, "pytorch_model.bin"), "wb") as f:
    pickle.dump([dict() for _ in range(9_400_000)], f, protocol=2)
PY

inputs=()
while IFS= read -r -d '' p; do inputs+=("$p"); done < <(
  find "$root/core/src/test/resources/malformed" -mindepth 2 -maxdepth 2 -print0 | sort -z)
while IFS= read -r -d '' p; do inputs+=("$p"); done < <(
  find "$root/core/src/test/resources/dev/neuronfit/io/pickle" -type f -print0 | sort -z)
for p in "$work"/large/*; do inputs+=("$p"); done

printf '%-6s %4s %9s %7s  %s\n' cmd exit rss_mb secs input > "$work/results.txt"
broken=0
run() { # run CMD INPUT
  local cmd="$1" input="$2" n="$3"
  local err="$work/out/$n.err" tm="$work/out/$n.time"
  /usr/bin/time -f '%M %e' -o "$tm" timeout "$limit_s" \
    "$root/neuronfit" "$cmd" --format json "$input" > "$work/out/$n.json" 2> "$err"
  local rc=$?
  read -r kb secs < "$tm" 2>/dev/null || { kb=0; secs=0; }
  # /usr/bin/time appends "Command exited with non-zero status N" before the figures
  kb=$(tail -n 1 "$tm" | cut -d' ' -f1); secs=$(tail -n 1 "$tm" | cut -d' ' -f2)
  printf '%-6s %4s %9.1f %7s  %s\n' "$cmd" "$rc" "$(echo "$kb/1024" | bc -l)" "$secs" \
    "${input#"$root"/}" >> "$work/results.txt"
  local why=""
  case "$rc" in 0|1|3) ;; 124) why="no answer within ${limit_s} s";; *) why="exit $rc";; esac
  [ "$kb" -gt "$limit_kb" ] && why="$why ${kb} kB RSS"
  [ "$(grep -vc '^neuronfit: building\|^$' "$err")" -gt 1 ] && why="$why message of $(wc -l < "$err") lines"
  if [ -n "$why" ]; then
    echo "BROKEN $cmd ${input#"$root"/}:$why" >> "$work/results.txt"; broken=$((broken + 1))
  fi
}
i=0
for input in "${inputs[@]}"; do
  i=$((i + 1)); run check "$input" "$i"
done
run scan "$root/core/src/test/resources/malformed" scan-malformed
run scan "$work/large" scan-large

cat "$work/results.txt"
max=$(awk 'NR > 1 && $1 != "BROKEN" { if ($3 > m) m = $3 } END { print m }' "$work/results.txt")
slow=$(awk 'NR > 1 && $1 != "BROKEN" { if ($4 > m) m = $4 } END { print m }' "$work/results.txt")
echo "inputs: ${#inputs[@]} checked, 2 scans; largest RSS ${max} MB; longest run ${slow} s; broken: $broken"
echo "(results in $work/results.txt)"
[ "$broken" -eq 0 ]
