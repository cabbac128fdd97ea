#!/usr/bin/env bash
# N FailoverDrills with switch back (2N switchovers) on a local stack of its own; medians of write unavailability
# and time to promote. Usage: bench/failover-drill/run.sh [drills, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl worker -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
  -Dmdep.includeScope=test
java -cp "worker/target/test-classes:worker/target/classes:$(cat worker/target/bench.cp)" \
  io.pgrunbooks.worker.FailoverDrillBenchmark "${1:-5}" 2>&1 | grep '^BENCH'
