#!/usr/bin/env bash
# Builds the pack as it was at its previous version: the newest commit whose providers/ differs from HEAD's in what
# goes into the jar (providers/src/main, providers/pom.xml, themes/; a commit that only changed tests is the same
# pack): the version a rolling upgrade starts from (docs/DEPLOYING.md, "Rolling upgrades of the pack").
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

# What goes into the jar, as git's tree ids at a commit.
pack_at() {
  local c="$1" part
  for part in providers/src/main providers/pom.xml themes; do
    git -C "$root" rev-parse "$c:$part" 2>/dev/null || echo "-"
  done
}
if [ -z "$commit" ]; then
  head_pack="$(pack_at HEAD)"
  for c in $(git -C "$root" log --format=%H -- providers/src/main providers/pom.xml themes); do
    if [ "$(pack_at "$c")" != "$head_pack" ]; then
      commit="$c"
      break
    fi
  done
fi
if [ -z "$commit" ]; then
  if [ "$(git -C "$root" rev-parse --is-shallow-repository)" = "true" ]; then
    echo "No earlier version of the pack in this shallow clone: git fetch --unshallow first." >&2
  else
    echo "No earlier version of the pack in the history." >&2
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
