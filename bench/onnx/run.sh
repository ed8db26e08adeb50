#!/usr/bin/env bash
# ONNX reader benchmark: neuronfit against `onnx.load(p, load_external_data=False)`, measured in
# the same run on the same files. Whole processes are timed, JVM and Python start-up included.
#
#   bench/onnx/run.sh [WORKDIR] [RUNS]
#
# Needs /usr/bin/python3 with python3-onnx and python3-numpy, GNU time (/usr/bin/time) and strace
# (Debian packages python3-onnx python3-numpy time strace). Makes the models on first use
# (about 2 GB of disk; the 6 GB external-data file is sparse).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$root/bench/onnx/work}"
runs="${2:-5}"
py=/usr/bin/python3

[ -f "$work/big_inline.onnx" ] || "$py" "$root/bench/onnx/make_models.py" "$work"
"$root/neuronfit" --version >/dev/null   # build the jar and its start-up archive first

# median of the wall times and peak RSS of RUNS runs of a command (after one warm-up run)
measure() {
  local out; out="$(mktemp)"
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$out" -a "$@" >/dev/null 2>/dev/null
  done
  sort -n "$out" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "%s %d\n", t[int((NR+1)/2)], m}'
  rm -f "$out"
}

printf '%-34s %12s %12s %12s %12s %8s\n' model onnx.load_s onnx_rss_MB neuronfit_s neuronfit_MB ratio
for f in small_inline.onnx big_inline.onnx external/model.onnx; do
  p="$work/$f"
  read -r bt bm < <(measure "$py" -c "import onnx, sys; onnx.load(sys.argv[1], load_external_data=False)" "$p")
  read -r nt nm < <(measure "$root/neuronfit" check --format json "$p")
  printf '%-34s %12s %12d %12s %12d %8.1f\n' "$f ($(du -h --apparent-size "$p" | cut -f1))" \
    "$bt" $((bm / 1024)) "$nt" $((nm / 1024)) "$(echo "$bt / $nt" | bc -l)"
done

# the external data file must never be opened, and the inline model's weights never read
trace="$(mktemp)"
strace -f -qq -e trace=openat,open,statx,newfstatat,stat,lstat -o "$trace" \
  "$root/neuronfit" check --format json "$work/external/model.onnx" >/dev/null
opens=$(grep -cE '(openat|open)\([^"]*"[^"]*weights\.bin"' "$trace" || true)
stats=$(grep -cE '(statx|newfstatat|stat|lstat)\([^"]*"[^"]*weights\.bin"' "$trace" || true)
echo "external/weights.bin: $(du -h --apparent-size "$work/external/weights.bin" | cut -f1) declared; opened by neuronfit: $opens times (looked up with stat: $stats times)"
strace -f -qq -e trace=openat,read,pread64 -o "$trace" \
  "$root/neuronfit" check --format json "$work/big_inline.onnx" >/dev/null
fd=$(grep -E 'openat\(.*big_inline\.onnx' "$trace" | grep -oE '= [0-9]+$' | tail -1 | tr -dc 0-9)
bytes=$(grep -E "^[0-9]+ +(read|pread64)\($fd," "$trace" | grep -oE '= [0-9]+$' | tr -dc '0-9\n' | awk '{s+=$1} END {print s+0}')
echo "big_inline.onnx: $(du -h --apparent-size "$work/big_inline.onnx" | cut -f1) file; bytes read from it by neuronfit: $bytes"
rm -f "$trace"
