#!/usr/bin/env bash
# Builds the pack as it was at the previous version of providers/: the newest commit before HEAD whose providers/
# differs from HEAD's (the version a rolling upgrade starts from; docs/DEPLOYING.md, "Rolling upgrades").
#
#   scripts/build-previous-pack.sh <output folder> [commit]
#
# Writes <output folder>/merchant-support-keycloak.jar (the pack), realm-export/ (that commit's realm JSON, the file a
# deployer imported then) and commit.txt (the commit and its subject). With [commit], builds that one instead.
# Needs git history (not a shallow clone), Maven and a JDK 21+ (JAVA_HOME, see scripts/java-home.sh), npm.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: scripts/build-previous-pack.sh <output folder> [commit]}"
commit="${2:-}"

if [ -z "$commit" ]; then
  head_tree="$(git -C "$root" rev-parse HEAD:providers)"
  for c in $(git -C "$root" log --format=%H -- providers/); do
    if [ "$(git -C "$root" rev-parse "$c:providers" 2>/dev/null || true)" != "$head_tree" ]; then
      commit="$c"
      break
    fi
  done
fi
if [ -z "$commit" ]; then
  if [ "$(git -C "$root" rev-parse --is-shallow-repository)" = "true" ]; then
    echo "No earlier version of providers/ in this shallow clone: git fetch --unshallow first." >&2
  else
    echo "No earlier version of providers/ in the history." >&2
  fi
  exit 3
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/merchant-previous-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$commit" | tar -x -C "$work"
# The same local repository as this build: nothing is downloaded that the current build did not already need,
# except what the older poms name differently.
(cd "$work" && mvn -B -q -DskipTests package -pl providers ${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL})
jar="$(ls "$work"/providers/target/merchant-support-keycloak-*.jar | grep -v -- '-sources\|-javadoc' | head -1)"
cp "$jar" "$out/merchant-support-keycloak.jar"
rm -rf "$out/realm-export"
cp -r "$work/realm-export" "$out/realm-export"
git -C "$root" log -1 --format='%H %s' "$commit" > "$out/commit.txt"
echo "built the pack of $(cut -c1-12 "$out/commit.txt" | head -1): $out/merchant-support-keycloak.jar"
