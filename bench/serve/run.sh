#!/usr/bin/env bash
# Load on neuronfit serve over loopback: wrk (Debian package wrk) sends the healthz baseline, cached
# and uncached checks at 1, 8 and 64 connections, DURATION seconds each (default 60), against a
# server started afresh for each run with --models examples; then a table of throughput, p50 and
# p99 latency, answers by status and the server's peak RSS (VmHWM). Only 127.0.0.1 is used, and
# every run stops by itself after DURATION seconds.
#   bench/serve/run.sh [DURATION] [OUTDIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${1:-60}"
out="${2:-${TMPDIR:-/tmp}/neuronfit-serve-bench}"
jar="$root/cli/target/neuronfit.jar"
port="${NEURONFIT_BENCH_PORT:-18777}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true package)
mkdir -p "$out"
pid=
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap stop EXIT

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), ${duration} s per run"
printf '| mix | clients | requests/s | p50 ms | p99 ms | 200 | 503 | other | socket errors | peak RSS MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for mix in healthz cached uncached; do
  for clients in 1 8 64; do
    # a long-lived server: the JVM's own defaults (not the launcher's quick-start flags)
    java -jar "$jar" serve --bind 127.0.0.1 --port "$port" --models "$root/examples" \
      >"$out/server-$mix-$clients.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
      curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
      sleep 0.1
    done
    threads=$(( clients < 2 ? clients : 2 ))
    MIX="$mix" wrk -t "$threads" -c "$clients" -d "${duration}s" --timeout 60s \
      -s "$root/bench/serve/mix.lua" "http://127.0.0.1:$port" >"$out/$mix-$clients.txt"
    rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    stop
    awk -v mix="$mix" -v c="$clients" -v rss="$rss_kb" '
      /^status / { s[$2] += $3 }
      /^requests / { n = $2 } /^duration_us / { d = $2 } /^socket_errors / { e = $2 }
      /^p50_us / { p50 = $2 } /^p99_us / { p99 = $2 }
      END {
        other = 0; for (k in s) if (k != 200 && k != 503) other += s[k]
        printf "| %s | %d | %.0f | %.1f | %.1f | %d | %d | %d | %d | %.0f |\n",
          mix, c, n / (d / 1e6), p50 / 1000, p99 / 1000, s[200], s[503], other, e, rss / 1024
      }' "$out/$mix-$clients.txt"
  done
done
