#!/usr/bin/env bash
# Start-up cost of the ./neuronfit launcher's JVM settings against the alternatives, measured in the
# same run with hyperfine (apt-get install hyperfine): `neuronfit --version` and a check of one
# small model. Every variant runs `java` directly, so the launcher's own shell work is left out.
# usage: bench/startup/run.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-30}"
work="$(mktemp -d "${TMPDIR:-/tmp}/neuronfit-startup.XXXXXX")"
jar="$root/cli/target/neuronfit.jar"
cd "$root"
./neuronfit --version >/dev/null # builds the jar and the launcher's archive when needed
[ -f cli/target/neuronfit.jsa ] || { echo "no cli/target/neuronfit.jsa" >&2; exit 1; }

java_base="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=error:stderr"
unverified="-XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote"
train="-jar $jar check --format json $root/examples"
# the launcher before: verification off, a dynamic archive; and the same with verification on
$java_base $unverified -XX:ArchiveClassesAtExit="$work/unverified.jsa" $train >/dev/null 2>&1 || true
$java_base -XX:ArchiveClassesAtExit="$work/dynamic.jsa" $train >/dev/null 2>&1 || true

for args in "--version" "check examples/gpt2"; do
  hyperfine -N -w 3 -r "$runs" --export-json "$work/result.json" \
    -n "no archive (baseline)" "$java_base -jar $jar $args" \
    -n "before: unverified, dynamic archive" \
    "$java_base $unverified -XX:SharedArchiveFile=$work/unverified.jsa -jar $jar $args" \
    -n "verified, dynamic archive" "$java_base -XX:SharedArchiveFile=$work/dynamic.jsa -jar $jar $args" \
    -n "now: verified, static archive" \
    "$java_base -XX:SharedArchiveFile=$root/cli/target/neuronfit.jsa -jar $jar $args" >/dev/null
  echo "neuronfit $args ($runs runs each; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 - "$work/result.json" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]
base_cpu = base["user"] + base["system"]
print(f"  {'variant':38} {'median':>9} {'min':>9} {'CPU':>9}  CPU vs baseline")
for r in results:
    cpu = r["user"] + r["system"]
    print(f"  {r['command']:38} {r['median']*1000:7.0f}ms {r['min']*1000:7.0f}ms"
          f" {cpu*1000:7.0f}ms  {cpu/base_cpu:.2f}")
PY
done
rm -rf "$work"
