#!/usr/bin/env bash
# Installs every Debian 12 package ketenhub needs to build, test, run the demo and the benchmark.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config ninja-build git clang-format
  libqpid-proton-cpp12-dev libqpid-proton11-dev python3-qpid-proton
  libxml2-dev libxml2-utils libxslt1-dev xsltproc
  libxmlsec1-dev libxmlsec1-openssl xmlsec1
  libssl-dev openssl
  libboost1.81-dev libboost-json1.81-dev
  libcurl4-openssl-dev curl
  libsqlite3-dev sqlite3
  libyaml-cpp-dev
  libcli11-dev help2man man-db groff-base
  libjemalloc-dev libsystemd-dev dpkg-dev adduser
  libmimetic-dev libcairo2-dev libpango1.0-dev libpoppler-glib-dev fonts-dejavu-core
  python3-aiosmtpd poppler-utils
  libgtest-dev libgmock-dev googletest
  clang-16 libfuzzer-16-dev libclang-rt-16-dev
  rabbitmq-server
  postgresql-15 libpq-dev
  procps psmisc python3 ca-certificates e2fsprogs
  prometheus
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Do not let the packages start a system-wide broker or PostgreSQL: tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
# Nor create the system cluster 15/main: with start.conf 'auto' systemd would start it (port 5432)
# at the next boot. Tests initdb their own (tests/support/pg_server.h, tests/integration/pg_lib.sh).
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && [ ! -e /etc/postgresql/15/main ]; then
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' |
    $SUDO tee /etc/postgresql-common/createcluster.d/ketenhub-no-main-cluster.conf >/dev/null
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
