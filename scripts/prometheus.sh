#!/usr/bin/env bash
# Installs Debian's prometheus (the server and promtool) for the Prometheus tests, when missing.
# Idempotent: does nothing when both are on PATH. Uses sudo when not run as root.
# The package's own service is not wanted (the tests start their own server on a free port):
# when the package started it, it is stopped again.
set -euo pipefail

if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
  echo "prometheus: $(prometheus --version 2>&1 | head -n1)"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "prometheus.sh: need root or sudo to install prometheus" >&2; exit 1; }
  SUDO="sudo"
fi

echo "prometheus: installing Debian's prometheus"
$SUDO apt-get update -q
# --no-install-recommends: without the node exporter and the other recommended exporters.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends prometheus
if [[ -d /run/systemd/system ]]; then
  $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
elif [[ -x /etc/init.d/prometheus ]]; then
  $SUDO /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi
prometheus --version 2>&1 | head -n1
promtool --version 2>&1 | head -n1
