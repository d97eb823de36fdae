#!/usr/bin/env bash
# Installs the reference Kafka clients the integration tests run against our broker:
#   kcat                      (kcat 1.7.1 on librdkafka 2.0.2)
#   python3-kafka             (kafka-python 2.0.2, for Debian's /usr/bin/python3)
#   python3-confluent-kafka   (confluent-kafka-python 1.7.0 on librdkafka 2.0.2)
#   python3-snappy, python3-lz4, python3-zstandard  (the codecs kafka-python compresses with)
#   chromium                  (Debian's browser, driven by playwright-core in the dashboard's browser tests)
# Idempotent and quiet: prints one line per package it installs, nothing when all are present,
# and never runs `apt-get update` unless something is missing. `npm ci` is not its job.
set -euo pipefail

packages=(kcat python3-kafka python3-confluent-kafka python3-snappy python3-lz4 python3-zstandard chromium)

is_installed() {
  # dpkg-query prints "install ok installed" for a fully installed package.
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for pkg in "${packages[@]}"; do
  if [ "$pkg" = kcat ] && command -v kcat >/dev/null 2>&1; then
    continue
  fi
  is_installed "$pkg" || missing+=("$pkg")
done

[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found; install these yourself: ${missing[*]}" >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo -n)
  else
    echo "install-deps: not root and no sudo; install these yourself: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${as_root[@]}" apt-get update -qq >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps: apt-get update failed" >&2
  exit 1
fi
if ! "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps: apt-get install failed: ${missing[*]}" >&2
  exit 1
fi

for pkg in "${missing[@]}"; do
  version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo '?')
  echo "installed $pkg $version"
done
