# Sourced by run.sh and .ci/run: points JAVA_HOME at a JDK 21 or newer (Keycloak 26.7 needs it),
# keeping one that is already set and new enough.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  :
else
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then JAVA_HOME="$candidate"; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "No JDK 21 or newer found under /usr/lib/jvm; install one (e.g. Temurin 21) or set JAVA_HOME." >&2
    return 1 2>/dev/null || exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
