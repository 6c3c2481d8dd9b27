# shellcheck shell=bash
# The hub side of the cluster (deploy/cluster/run.sh, tests/integration/test_cluster.sh): one
# partner (the OM, rest-xml, mutual TLS) with a concurrency cap over all instances, and one
# hub.yaml per instance in connect mode on the shared PostgreSQL store and the broker queue. Paths
# in the files are relative to DIR: DIR/pki (deploy/pki/make-test-pki.sh), DIR/secrets.
#
#   khc_write_routes DIR SIM_PORT CAP    DIR/routes/{partners,wvggz}.yaml
#   khc_write_config DIR I ADMIN_PORT    DIR/hub-I.yaml (instance hub-I, its audit dir audit-I);
#                                        reads RMQ_URL, PG_PORT, PG_PASSWORD_FILE, KHC_QUEUE,
#                                        KHC_SOURCE (the checkout), KHC_LEASE_SECONDS (default 5)
#   khc_secrets DIR                      DIR/secrets: the broker password (guest, loopback only)
#                                        and the audit person key, made before any instance
#                                        starts (the instances share it)

khc_write_routes() {
  local dir=$1 sim_port=$2 cap=$3
  mkdir -p "$dir/routes"
  cat >"$dir/routes/partners.yaml" <<YAML
partners:
  om:
    name: Openbaar Ministerie
    adapter: rest-xml
    endpoint: https://localhost:$sim_port/om/kennisgevingen
    tls:
      profile: ncsc-sufficient
      ca: [pki/ca.crt]
      client_certificate: pki/hub-client.crt
      client_key: pki/hub-client.key
    concurrency: $cap
    circuit_breaker: {failures: 50, open_for: 2s}
    timeouts: {connect: 2s, request: 10s}
YAML
  cat >"$dir/routes/wvggz.yaml" <<YAML
routes:
  - event_type: wvggz.crisismaatregel.genomen
    deliver:
      - partner: om
        product: kennisgeving-crisismaatregel
        deadline: 30m
YAML
}

khc_write_config() {
  local dir=$1 i=$2 admin_port=$3
  cat >"$dir/hub-$i.yaml" <<YAML
hub:
  name: ketenhub-cluster
  oin: "00000099000000000001"
intake:
  credit_window: 100
  connect:
    - name: rabbit
      urls: [$RMQ_URL]
      address: /amq/queue/$KHC_QUEUE
      user: guest
      password_file: secrets/rabbit.pass
      reconnect_initial: 200ms
      reconnect_max: 2s
store:
  postgres:
    conninfo: "host=127.0.0.1 port=$PG_PORT dbname=ketenhub user=ketenhub_admin"
    password_file: $PG_PASSWORD_FILE
    lease_seconds: ${KHC_LEASE_SECONDS:-5}
audit:
  dir: audit-$i
  key_file: secrets/audit-person.key
  instance: hub-$i
signing:
  key: pki/hub-sign.key
  certificate: pki/hub-sign.crt
admin:
  listen: 127.0.0.1:$admin_port
engine:
  retry: {initial: 200ms, factor: 2, max: 2s}
paths:
  routes: routes
  mappings: $KHC_SOURCE/mappings
  schemas: $KHC_SOURCE/schemas
YAML
}

khc_secrets() {
  local dir=$1
  mkdir -p "$dir/secrets"
  chmod 700 "$dir/secrets"
  (umask 077 && printf 'guest' >"$dir/secrets/rabbit.pass")
  (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$dir/secrets/audit-person.key" &&
    echo >>"$dir/secrets/audit-person.key")
}
