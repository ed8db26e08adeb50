#!/usr/bin/env bash
# Runs every Jazzer fuzz target of core (or those matching PATTERN) for MINUTES each, all at once,
# from a scratch copy of HEAD, and prints runs and findings per target.
#
#   bench/fuzz/run.sh MINUTES [PATTERN]      e.g. bench/fuzz/run.sh 30, bench/fuzz/run.sh 5 Pickle
#
# Jazzer 0.24 takes a fuzz test's duration only from its annotation, so the scratch copy's
# @FuzzTest(maxDuration = "20s") is rewritten to MINUTES; the repository itself is not touched.
# Each target runs in its own JVM (JUnit's console launcher, JAZZER_FUZZ=1) under nice 19, so a
# build beside it keeps its CPU. A finding is saved by Jazzer as a crash-* file under the scratch
# copy's src/test/resources; copy it into the repository as a seed (and a malformed case) by hand.
# Logs and the scratch copy stay in OUT (default /tmp/neuronfit-fuzz) for reading afterwards.
set -euo pipefail
minutes="${1:?usage: bench/fuzz/run.sh MINUTES [PATTERN]}"
pattern="${2:-.}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${OUT:-/tmp/neuronfit-fuzz}"
junit=1.14.4
console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$junit/junit-platform-console-standalone-$junit.jar"

rm -rf "$out" && mkdir -p "$out/logs"
git -C "$root" worktree add --detach "$out/src" HEAD >/dev/null 2>&1
trap 'git -C "$root" worktree remove --force "$out/src" >/dev/null 2>&1 || true' EXIT
cd "$out/src"
grep -rl '@FuzzTest(maxDuration = "20s")' core/src/test |
  xargs sed -i "s/@FuzzTest(maxDuration = \"20s\")/@FuzzTest(maxDuration = \"${minutes}m\")/"
[ -f "$console" ] || mvn -B -q dependency:get \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit" >/dev/null
mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$out/cp.txt" >/dev/null
# the console launcher brings its own JUnit; Jazzer's native driver (the jazzer jar, which the
# build's class path leaves out) must be on the class path too
deps="$(tr ':' '\n' <"$out/cp.txt" | grep -vE 'archunit|/org/junit/|opentest4j|apiguardian' | paste -sd:)"
v="$(tr ':' '\n' <"$out/cp.txt" | grep -m1 -oE 'jazzer-junit-[0-9.]+\.jar' | sed 's/jazzer-junit-//; s/\.jar$//')"
cp="$out/src/core/target/test-classes:$out/src/core/target/classes:$deps"
cp="$cp:$HOME/.m2/repository/com/code-intelligence/jazzer/$v/jazzer-$v.jar:$console"

# one selector per @FuzzTest method: Class#method(parameter type)
targets=()
for f in $(grep -rl '@FuzzTest' core/src/test/java); do
  class="$(echo "${f#core/src/test/java/}" | sed 's|\.java$||; s|/|.|g')"
  while read -r sel; do targets+=("$sel"); done < <(awk -v c="$class" '
    /@FuzzTest/ { f = 1; next }
    f && /void / {
      match($0, /void [A-Za-z0-9_]+\([A-Za-z\[\]]+/); s = substr($0, RSTART + 5, RLENGTH - 5)
      sub(/FuzzedDataProvider$/, "com.code_intelligence.jazzer.api.FuzzedDataProvider", s)
      print c "#" s ")"; f = 0 }' "$f")
done
pids=()
for t in "${targets[@]}"; do
  [[ "$t" =~ $pattern ]] || continue
  name="$(echo "${t%%(*}" | sed 's/.*\.//; s/#/-/')"
  (cd core && JAZZER_FUZZ=1 nice -n 19 java -Xmx512m -Dneuronfit.root="$out/src" -cp "$cp" \
    org.junit.platform.console.ConsoleLauncher execute --select-method "$t" --details=tree \
    --disable-banner >"$out/logs/$name.log" 2>&1 || true) &
  pids+=($!)
done
echo "fuzzing ${#pids[@]} targets for $minutes min each; logs in $out/logs" >&2
wait "${pids[@]}"
printf '%-62s %12s %8s\n' target runs finding
for log in "$out"/logs/*.log; do
  runs="$(grep -aoE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo '?')"
  found="$(grep -aq FuzzTestFindingException "$log" && echo yes || echo no)"
  printf '%-62s %12s %8s\n' "$(basename "$log" .log)" "$runs" "$found"
done
