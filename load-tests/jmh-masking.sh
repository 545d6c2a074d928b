#!/usr/bin/env bash
# JMH benchmark of the masking rewrite path (issue 4): rows per second through the gateway's backend decoder with
# masking off and with each strategy (load-tests/jmh/src/main/java/dev/portcullis/bench/MaskingRewriteBenchmark.java).
#
#   load-tests/jmh-masking.sh                        # defaults: 3 × 2 s warmup, 5 × 2 s measurement, 1 fork
#   WI=5 I=10 FORKS=2 load-tests/jmh-masking.sh      # longer, steadier
#   MODES=off,partial load-tests/jmh-masking.sh      # only some modes
#   JMH_ARGS='-prof gc' load-tests/jmh-masking.sh    # anything else for JMH
#
# Installs the root project into the local Maven repository (tests skipped), builds load-tests/jmh against it, runs
# the benchmark and prints JMH's table, then rows/s per mode and each mode's ratio to "off". The JMH project is not
# a module of the root pom, so `mvn -B test` at the root never builds it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WI=${WI:-3}          # warmup iterations
W=${W:-2}            # seconds per warmup iteration
I=${I:-5}            # measurement iterations
R=${R:-2}            # seconds per measurement iteration
FORKS=${FORKS:-1}
MODES=${MODES:-}     # comma-separated subset of the benchmark's modes; all by default
JMH_ARGS=${JMH_ARGS:-}

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
echo "== installing portcullis $version into the local Maven repository (tests skipped)"
mvn -B -q -Dmaven.test.skip=true install
echo "== building load-tests/jmh"
mvn -B -q -f load-tests/jmh/pom.xml -Dportcullis.version="$version" clean package

jmh=load-tests/jmh/target
# the portcullis jar first: it is shaded, and its dependencies also sit in lib/ (same versions)
cp="$jmh/classes:$jmh/lib/portcullis-$version.jar:$jmh/lib/*"
results=$(mktemp /tmp/portcullis-jmh.XXXXXX.csv)
trap 'rm -f "$results"' EXIT
args=(MaskingRewriteBenchmark -wi "$WI" -w "$W" -i "$I" -r "$R" -f "$FORKS" -rf csv -rff "$results")
if [[ -n $MODES ]]; then args+=(-p "mode=$MODES"); fi
# shellcheck disable=SC2206
args+=($JMH_ARGS)
echo "== $(nproc) cores, $(java -version 2>&1 | head -1)"
java -cp "$cp" org.openjdk.jmh.Main "${args[@]}"

echo
echo "== rows/s on one thread (one JMH op = one DataRow of 5 columns), ratio to masking off"
# JMH writes the CSV with CRLF line ends
tr -d '\r' <"$results" | awk -F, 'NR > 1 && $1 ~ /\.rows"$/ {
  gsub(/"/, "", $0); mode = $NF; score[mode] = $5; err[mode] = $6; order[++n] = mode
} END {
  base = score["off"]
  printf "%-12s %14s %12s %8s %8s\n", "mode", "rows/s", "± (99.9%)", "ns/row", "vs off"
  for (i = 1; i <= n; i++) {
    m = order[i]
    printf "%-12s %14.0f %12s %8.0f %8s\n", m, score[m], (err[m] == "NaN" ? "-" : sprintf("%.0f", err[m])),
      1e9 / score[m], (base > 0 ? sprintf("%.3f", score[m] / base) : "-")
  }
}'
