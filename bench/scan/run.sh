#!/usr/bin/env bash
# Scan throughput: models per second with one job and with every core, measured in the same run on
# the same tree, and peak RSS under a 512 MB heap, for a tree and for one four times its size.
#
#   bench/scan/run.sh [WORKDIR] [RUNS] [COPIES]
#
# WORKDIR holds the trees (hard links to the fixtures, so next to no disk, but on the same file
# system as the clone); RUNS timed runs per command after one warm-up (default 3), reported as the
# median wall time and the peak RSS of all runs; COPIES copies of the fixtures in the base tree
# (default 7, 74 models each: 518 models). Needs hyperfine, GNU time (/usr/bin/time) and python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$root/bench/scan/work}"
runs="${2:-3}"
copies="${3:-7}"
cores="$(nproc)"
jar="$root/cli/target/neuronfit.jar"

"$root/neuronfit" --version >/dev/null # builds the jar when the sources changed
mkdir -p "$work"
"$root/bench/scan/make_tree.sh" "$work/tree" "$copies"
"$root/bench/scan/make_tree.sh" "$work/tree4" $((copies * 4))

scan() { # TREE JOBS [HEAP]: the command measured
  echo "java -Xmx${3:-512m} -jar $jar scan $1 --format json --output /dev/null --jobs $2"
}
models() { # every model of the tree is a row of the CSV: rows, and rows with an error
  java -jar "$jar" scan "$1" --format csv --quiet | python3 -c \
    'import csv, sys; r = list(csv.reader(sys.stdin)); print(len(r) - 1, sum(1 for x in r[1:] if x[-1]))'
}

echo "$(date -u +%F) on $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %6s %6s | %-30s | %-30s | %s\n' tree models unread \
  "jobs 1: median (min) s, models/s" "jobs $cores: median (min) s, models/s" \
  "speed-up, CPU s 1/$cores, RSS MB 1/$cores"
for t in tree tree4; do
  read -r n errors < <(models "$work/$t")
  # hyperfine times each run; GNU time, run by it, appends each run's peak RSS (warm-up included)
  rm -f "$work/$t.rss1" "$work/$t.rssN"
  hyperfine --warmup 1 --runs "$runs" --export-json "$work/$t.json" \
    -n "jobs 1" "/usr/bin/time -f %M -a -o $work/$t.rss1 $(scan "$work/$t" 1)" \
    -n "jobs $cores" "/usr/bin/time -f %M -a -o $work/$t.rssN $(scan "$work/$t" "$cores")" >&2
  r1=$(($(sort -n "$work/$t.rss1" | tail -1) / 1024))
  rn=$(($(sort -n "$work/$t.rssN" | tail -1) / 1024))
  python3 - "$work/$t.json" "$t" "$n" "$errors" "$r1" "$rn" <<'PY'
import json, sys
f, t, n, errors, r1, rn = sys.argv[1:]
n = int(n)
one, many = json.load(open(f))["results"]
def cell(r):
    return "%6.2f (%6.2f) %6.1f/s" % (r["median"], r["min"], n / r["median"])
print("%-6s %6d %6s | %-30s | %-30s | %.2f, %.1f/%.1f, %s/%s" % (
    t, n, errors, cell(one), cell(many), one["median"] / many["median"],
    one["user"] + one["system"], many["user"] + many["system"], r1, rn))
PY
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# the heap a scan needs does not grow with the tree: the large tree again, in 64 MB
out="$(mktemp)"
if /usr/bin/time -f "%e %M" -o "$out" $(scan "$work/tree4" "$cores" 64m) >/dev/null 2>&1; then
  read -r secs kb <"$out"
  echo "tree4 with -Xmx64m and $cores jobs: completed in $secs s, peak RSS $((kb / 1024)) MB"
else
  echo "tree4 with -Xmx64m and $cores jobs: FAILED"
fi
rm -f "$out"
