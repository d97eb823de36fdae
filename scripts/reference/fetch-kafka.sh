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
# It also builds a class-data-sharing archive per version (.tmp/reference/kafka-<version>.jsa) from
# the classes a few short tool runs load; test/reference/kafka.ts passes it to every JVM, which
# roughly halves a console tool's start time. MQ_REFERENCE_NO_CDS=1 skips it.
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
    if ! mvn "${mvn_flags[@]}" -U "$dep_plugin:get" -Dartifact="org.apache.kafka:$a:LATEST" -Dtransitive=false \
      -Dmaven.repo.local="$tmp/repo" >"$tmp/mvn.log" 2>&1; then
      cat "$tmp/mvn.log" >&2
      exit 1
    fi
    grep -o '<version>[^<]*' "$tmp/repo/org/apache/kafka/$a/maven-metadata-central.xml" | sed 's/<version>//' |
      sort -u >"$tmp/$a.txt"
  done
  both="$(comm -12 "$tmp/kafka_2.13.txt" "$tmp/kafka-tools.txt")"
  echo "newest 3.9.x: $(grep -E '^3\.9\.[0-9]+$' <<<"$both" | sort -V | tail -1)"
  echo "newest 4.x:   $(grep -E '^4\.[0-9]+\.[0-9]+$' <<<"$both" | sort -V | tail -1)"
  exit 0
fi

# Class-data-sharing archive: collect the classes loaded by short runs that need no broker
# (bootstrap 127.0.0.1:1 never answers; short timeouts end them), then dump them statically.
build_cds() {
  local v="$1" cp_file="$2" jsa="$out/kafka-$v.jsa"
  [[ "${MQ_REFERENCE_NO_CDS:-}" == 1 ]] && return 0
  [[ -s "$jsa" && "$jsa" -nt "$cp_file" ]] && return 0
  local cp work log producer_main
  cp="$(cat "$cp_file")"
  work="$(mktemp -d)"
  log="$out/cds-$v.log"
  producer_main=org.apache.kafka.tools.ConsoleProducer
  [[ "$v" == 3.9 ]] && producer_main=kafka.tools.ConsoleProducer
  local jvm=(java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m
    "-Dlog4j.configuration=file:$root/test/reference/log4j/tools-log4j.properties"
    "-Dlog4j2.configurationFile=$root/test/reference/log4j/tools-log4j2.properties")
  printf 'default.api.timeout.ms=1500\nrequest.timeout.ms=1000\n' >"$work/client.properties"
  printf 'process.roles=broker,controller\nnode.id=1\ncontroller.quorum.voters=1@127.0.0.1:1\nlisteners=PLAINTEXT://127.0.0.1:2,CONTROLLER://127.0.0.1:1\ncontroller.listener.names=CONTROLLER\nlog.dirs=%s/data\n' \
    "$work" >"$work/server.properties"
  local n=0
  run_list() { # <main class> <args...>
    n=$((n + 1))
    timeout 30 "${jvm[@]}" -XX:DumpLoadedClassList="$work/$n.lst" -cp "$cp" "$@" </dev/null >>"$log" 2>&1 || true
  }
  : >"$log"
  run_list org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:1 --command-config "$work/client.properties" --list
  run_list "$producer_main" --bootstrap-server 127.0.0.1:1 --topic t
  run_list org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:1 --topic t --timeout-ms 1000
  run_list kafka.tools.StorageTool format -t AAAAAAAAAAAAAAAAAAAAAA -c "$work/server.properties"
  cat "$work"/*.lst | sort -u >"$work/all.lst"
  if "${jvm[@]}" -Xshare:dump -XX:SharedClassListFile="$work/all.lst" -XX:SharedArchiveFile="$jsa.tmp" -cp "$cp" \
    >>"$log" 2>&1; then
    mv "$jsa.tmp" "$jsa"
    rm -f "$log"
  else
    # Not fatal: the harness simply runs without the archive.
    rm -f "$jsa.tmp" "$jsa"
    echo "fetch-kafka: class-data-sharing archive for Kafka $v failed (see $log); continuing without it" >&2
  fi
  rm -rf "$work"
}

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
    if [[ $ok == 1 ]]; then
      build_cds "$v" "$cp_file"
      continue
    fi
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
    # Not `tr | grep -q`: under pipefail, grep -q leaving early can kill tr with SIGPIPE and fail a match.
    if ! grep -q "/$want" <<<"$(tr ':' '\n' <"$tmp_cp")"; then
      echo "fetch-kafka: classpath for Kafka $v lacks $want*.jar" >&2
      rm -f "$tmp_cp"
      exit 1
    fi
  done
  mv "$tmp_cp" "$cp_file"
  rm -f "$log"
  build_cds "$v" "$cp_file"
done
