#!/usr/bin/env bash
# Installs Debian's docker-compose (1.29) to validate docker-compose.yml when neither the
# `docker compose` plugin nor `docker-compose` is present. Idempotent; needs root.
set -euo pipefail
if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-compose: no compose here and this is not root; install docker-compose" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
command -v docker-compose
