#!/usr/bin/env bash
# The Hub benchmark: checks by id against a loopback Hub with added latency (see bench/README.md).
# Usage: bench/hub/run.sh [RUNS] [LATENCY_MS] [BEFORE_CHECKOUT]
# (BEFORE_CHECKOUT: another neuronfit checkout, built, e.g. a worktree of an earlier commit, whose
# launcher is timed on the same loopback Hub in the same run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# the jar the launcher runs, and the benchmark's own classes (the loopback Hub of the tests)
mvn -B -o -q -DskipTests -Dspotless.check.skip=true package
mvn -B -o -q -pl core -Dspotless.check.skip=true test-compile
cp_file="$(mktemp)"
mvn -B -o -q -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
java -cp "core/target/test-classes:core/target/classes:$(cat "$cp_file")" \
  dev.neuronfit.io.hub.HubBench "$root" "${1:-3}" "${2:-50}" ${3:+"$3"}
rm -f "$cp_file"
