#!/usr/bin/env bash
# Archive benchmark: seed pipeline vs the runbook's export (gzip, zstd). See README.md.
# Usage: bench/archive/run.sh [small-rows] [large-rows] [small-repeats] [large-repeats]
#   defaults: 2.6 M rows ~ 207 MB and 27 M rows ~ 2.15 GB of CSV; 3 and 1 repeats
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl activities -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/activities/target/bench.cp" -Dmdep.includeScope=test
CP="activities/target/test-classes:activities/target/classes:$(cat activities/target/bench.cp)"
exec java -Xmx256m -cp "$CP" io.pgrunbooks.activities.bench.ArchiveBenchmark "${1:-2600000}" "${2:-27000000}" "${3:-3}" "${4:-1}"
