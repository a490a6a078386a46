#!/usr/bin/env bash
# Installs promtool and prometheus (Debian package `prometheus`) and amtool
# (`prometheus-alertmanager`) when
# they are missing, so the alerting rules and the Alertmanager config are checked by the real
# binaries. Does nothing when both are on PATH. Needs root and apt-get (Debian/Ubuntu).
# Never starts the Prometheus or Alertmanager daemons: only their command-line tools are used.
set -euo pipefail

packages=()
{ command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; } ||
  packages+=(prometheus)  # promtool, and the server the dashboards test runs
command -v amtool >/dev/null 2>&1 || packages+=(prometheus-alertmanager)
if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-prometheus-tools: need root to install ${packages[*]} (missing promtool/amtool)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-prometheus-tools: apt-get not found; install ${packages[*]} by hand" >&2
  exit 1
fi

# Keep package scripts from starting the daemons (a container without systemd would start
# them through invoke-rc.d); Docker images usually ship this file already.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${packages[@]}"

command -v promtool >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1 || {
  echo "ensure-prometheus-tools: promtool/amtool still missing after installing ${packages[*]}" >&2
  exit 1
}
