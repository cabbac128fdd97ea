# Sourced by the bin/ scripts of the pg-runbooks distribution: finds the install directory
# (through symlinks, e.g. /usr/local/bin/runbooks -> /opt/pg-runbooks/bin/runbooks) and java.
# lib/ holds the jars of all three components (their names carry versions); the CLI, the worker
# and the API are built against different versions of shared libraries (Jetty, Jackson 3, gRPC), so
# each starts with exactly its own list, lib/<component>.classpath, never with lib/*.
RUNBOOKS_HOME="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
export RUNBOOKS_HOME
if [ -n "${JAVA_HOME:-}" ]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java || true)"
fi
if [ -z "$JAVA" ] || [ ! -x "$JAVA" ]; then
  echo "java 17 or newer is needed: set JAVA_HOME or install it (apt-get install openjdk-17-jre-headless)" >&2
  exit 127
fi
run_java() { # component main-jar main-class args...
  local component="$1" jar="$2" main="$3" cp entry
  shift 3
  cp="$RUNBOOKS_HOME/lib/$jar"
  while IFS= read -r entry; do
    [ -n "$entry" ] && cp="$cp:$RUNBOOKS_HOME/$entry"
  done < <(tr ':' '\n' < "$RUNBOOKS_HOME/lib/$component.classpath")
  # JAVA_OPTS is split on spaces on purpose (e.g. "-Xmx1g -XX:+UseG1GC").
  # shellcheck disable=SC2086
  exec "$JAVA" ${JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
