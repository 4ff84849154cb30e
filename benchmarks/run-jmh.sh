#!/usr/bin/env bash
# Micro benchmarks of the pack (JMH): builds the pack and the benchmark jar, runs them, prints the table.
# Usage: benchmarks/run-jmh.sh [JMH options, e.g. AltchaBenchmark -f 1]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
mvn -B -q -pl providers,benchmarks -am -DskipTests package
mkdir -p benchmarks/target
"$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar -jvm "$JAVA_HOME/bin/java" \
  -rf json -rff benchmarks/target/jmh-results.json "${@:-AltchaBenchmark}"
