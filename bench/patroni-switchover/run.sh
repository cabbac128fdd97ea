#!/usr/bin/env bash
# N rounds on the Patroni mode of the local stack: per round the Failover runbook switches over pg1->pg2 and back
# (client through PgBouncer), then patronictl switchover --force does the same (client to whichever node is
# primary); medians of write unavailability and time, and their ratio.
# Usage: bench/patroni-switchover/run.sh [rounds, default 3]   (needs: apt-get install -y patroni etcd-server etcd-client)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl worker -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
  -Dmdep.includeScope=test
java -cp "worker/target/test-classes:worker/target/classes:$(cat worker/target/bench.cp)" \
  io.pgrunbooks.worker.PatroniSwitchoverBenchmark "${1:-3}" 2>&1 | grep '^BENCH'
