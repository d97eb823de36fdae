#!/usr/bin/env bash
# Fetch Apache Kafka (broker + tools + runtime deps) from Maven Central into the local Maven
# repository and write one classpath per reference version:
#
#   .tmp/reference/kafka-3.9.classpath   (version pinned in scripts/reference/pom-3.9.xml)
#   .tmp/reference/kafka-4.classpath     (version pinned in scripts/reference/pom-4.xml)
#
# Idempotent: a warm run (classpath file newer than its pom, every jar present) does not start
# Maven at all and prints nothing. A stale classpath is rebuilt offline first (mvn -o) and only
# goes to the network when the local repository lacks something.
#
# Usage: scripts/reference/fetch-kafka.sh [3.9|4 ...]     (default: all versions)
#        scripts/reference/fetch-kafka.sh --latest        (print the newest 3.9.x / 4.x on Central)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/.tmp/reference"
mkdir -p "$out"

mvn_flags=(-B -q -Dstyle.color=never)
dep_plugin="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

if [[ "${1:-}" == "--latest" ]]; then
  # Reads Central's maven-metadata.xml for the artifacts the poms need; kafka-tools is sometimes
  # published later than kafka_2.13, so a version counts only when both exist.
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for a in kafka_2.13 kafka-tools; do
    mvn "${mvn_flags[@]}" -U "$dep_plugin:get" -Dartifact="org.apache.kafka:$a:LATEST" -Dtransitive=false \
      -Dmaven.repo.local="$tmp/repo" >/dev/null
    grep -o '<version>[^<]*' "$tmp/repo/org/apache/kafka/$a/maven-metadata-central.xml" | sed 's/<version>//' |
      sort -u >"$tmp/$a.txt"
  done
  both="$(comm -12 "$tmp/kafka_2.13.txt" "$tmp/kafka-tools.txt")"
  echo "newest 3.9.x: $(grep -E '^3\.9\.[0-9]+$' <<<"$both" | sort -V | tail -1)"
  echo "newest 4.x:   $(grep -E '^4\.[0-9]+\.[0-9]+$' <<<"$both" | sort -V | tail -1)"
  exit 0
fi

versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=(3.9 4)

for v in "${versions[@]}"; do
  pom="$here/pom-$v.xml"
  cp_file="$out/kafka-$v.classpath"
  if [[ ! -f "$pom" ]]; then
    echo "fetch-kafka: unknown version '$v' (no $pom)" >&2
    exit 2
  fi

  # Warm path: classpath newer than the pom and every entry still on disk.
  if [[ -s "$cp_file" && "$cp_file" -nt "$pom" ]]; then
    ok=1
    IFS=":" read -r -a jars <"$cp_file" || true  # no trailing newline: read returns 1
    for j in "${jars[@]}"; do
      [[ -f "$j" ]] || { ok=0; break; }
    done
    [[ $ok == 1 ]] && continue
  fi

  tmp_cp="$cp_file.tmp.$$"
  log="$out/fetch-kafka-$v.log"
  if ! mvn "${mvn_flags[@]}" -o -f "$pom" "$dep_plugin:build-classpath" -Dmdep.outputFile="$tmp_cp" \
    -Dmdep.includeScope=runtime >"$log" 2>&1; then
    if ! mvn "${mvn_flags[@]}" -f "$pom" "$dep_plugin:build-classpath" -Dmdep.outputFile="$tmp_cp" \
      -Dmdep.includeScope=runtime >"$log" 2>&1; then
      echo "fetch-kafka: mvn failed for Kafka $v (see $log):" >&2
      grep -E 'ERROR' "$log" | head -20 >&2 || tail -20 "$log" >&2
      rm -f "$tmp_cp"
      exit 1
    fi
  fi
  # Sanity: the classpath must hold the broker and the tools.
  for want in "kafka_2.13-" "kafka-tools-" "kafka-clients-"; do
    if ! tr ':' '\n' <"$tmp_cp" | grep -q "/$want"; then
      echo "fetch-kafka: classpath for Kafka $v lacks $want*.jar" >&2
      rm -f "$tmp_cp"
      exit 1
    fi
  done
  mv "$tmp_cp" "$cp_file"
  rm -f "$log"
done
