#!/usr/bin/env bash
# Installs what the service checks in tests/Pipeline.Services.Tests need, each only when it is missing, so a
# second run changes nothing:
#   promtool  - `promtool check metrics` validates each service's /metrics. Only the binary is taken from the Debian
#               package `prometheus` (apt-get download + dpkg-deb: no Prometheus server, no daemon, no user), into
#               tests/tools/bin/. A promtool already on PATH is used instead.
#   node/npm  - run tests/tools/grpc-client/reflect.js, the external gRPC client (Debian nodejs + npm if absent).
#   npm ci    - that client's packages, from its committed package-lock.json, when node_modules is missing or older
#               than the lockfile; the same for tests/tools/k8s-validate (the chart tests' manifest validator).
#   helm-render - tests/tools/bin/helm-render, the chart tests' offline `helm template`, built from
#               tests/tools/helm-render/*.go when missing or older than its sources, in GOPATH mode from Debian's
#               golang-go, golang-github-masterminds-sprig-dev and golang-gopkg-yaml.v3-dev (installed if absent).
# What cannot be installed (no root for apt, no registry) is reported with the command that would install it, and
# the script exits 1; the tests that need it then fail saying the same, rather than being skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

PROMTOOL_DIR=tests/tools/bin
CLIENT_DIR=tests/tools/grpc-client
VALIDATOR_DIR=tests/tools/k8s-validate
RENDER_SRC=tests/tools/helm-render
RENDER_BIN=tests/tools/bin/helm-render
GOPATH_DEBIAN=/usr/share/gocode
missing=0

say() { echo "test-deps: $*"; }
is_root() { [ "$(id -u)" = 0 ]; }

# apt's package lists are empty in a fresh container; refresh them once, only when the package is unknown.
apt_knows() { apt-cache show "$1" >/dev/null 2>&1; }
apt_ready_for() {
  apt_knows "$1" && return 0
  is_root || return 1
  say "apt-get update (no package list knows '$1')"
  apt-get update -qq && apt_knows "$1"
}

install_promtool() {
  command -v apt-get >/dev/null || { say "apt-get not found: install promtool (Prometheus 2.x) on PATH by hand"; return 1; }
  apt_ready_for prometheus || {
    say "the Debian package 'prometheus' is unknown to apt and apt-get update needs root:"
    say "  sudo apt-get update && make test-deps   (or: sudo apt-get install --no-install-recommends prometheus)"
    return 1
  }
  local tmp
  tmp=$(mktemp -d) || return 1
  # _apt cannot write into root's private temp folder; root downloads without apt's sandbox user instead.
  local sandbox=()
  is_root && sandbox=(-o APT::Sandbox::User=root)
  say "downloading the Debian package 'prometheus' to take promtool out of it"
  if (cd "$tmp" && apt-get download -qq "${sandbox[@]}" prometheus) \
    && mkdir -p "$PROMTOOL_DIR" \
    && dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -xO ./usr/bin/promtool > "$PROMTOOL_DIR/promtool.partial" \
    && chmod +x "$PROMTOOL_DIR/promtool.partial" \
    && mv "$PROMTOOL_DIR/promtool.partial" "$PROMTOOL_DIR/promtool"; then
    rm -rf "$tmp"
    say "promtool: installed $PROMTOOL_DIR/promtool ($("$PROMTOOL_DIR/promtool" --version 2>&1 | head -n 1))"
  else
    rm -rf "$tmp" "$PROMTOOL_DIR/promtool.partial"
    say "could not extract promtool from the Debian package 'prometheus'"
    return 1
  fi
}

if command -v promtool >/dev/null; then
  say "promtool: $(command -v promtool)"
elif [ -x "$PROMTOOL_DIR/promtool" ]; then
  say "promtool: $PROMTOOL_DIR/promtool"
else
  install_promtool || missing=1
fi

if command -v node >/dev/null && command -v npm >/dev/null; then
  say "node: $(command -v node) $(node --version)"
elif is_root && apt_ready_for nodejs; then
  say "installing Node.js (Debian packages nodejs, npm)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || missing=1
else
  say "node/npm not found and apt needs root: sudo apt-get install --no-install-recommends nodejs npm"
  missing=1
fi

# npm ci in a package folder when its node_modules is missing or older than its lockfile.
npm_ci() {
  local dir=$1 name
  name=$(basename "$dir")
  if [ -f "$dir/node_modules/.package-lock.json" ] && ! [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "$name: $dir/node_modules up to date"
  elif command -v npm >/dev/null; then
    say "$name: npm ci in $dir"
    # No install scripts: neither package needs one (protobufjs' postinstall only checks its own CLI's versions).
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error) || return 1
  else
    return 1
  fi
}
npm_ci "$CLIENT_DIR" || missing=1
npm_ci "$VALIDATOR_DIR" || missing=1

# helm-render: Go in GOPATH mode, only Debian's packaged sources (no module download).
go_ready() {
  command -v go >/dev/null && [ -d "$GOPATH_DEBIAN/src/github.com/Masterminds/sprig" ] && [ -d "$GOPATH_DEBIAN/src/gopkg.in/yaml.v3" ]
}
render_stale() {
  [ -x "$RENDER_BIN" ] || return 0
  [ -n "$(find "$RENDER_SRC" -name '*.go' -newer "$RENDER_BIN")" ]
}
if ! render_stale; then
  say "helm-render: $RENDER_BIN up to date"
else
  if ! go_ready; then
    if is_root && apt_ready_for golang-github-masterminds-sprig-dev; then
      say "installing Go and the renderer's libraries (Debian golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev >/dev/null || missing=1
    else
      say "helm-render needs Go and apt needs root: sudo apt-get install --no-install-recommends golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev"
    fi
  fi
  if go_ready; then
    say "helm-render: building $RENDER_BIN"
    mkdir -p "$(dirname "$RENDER_BIN")"
    # A build cache is needed even in GOPATH mode; without a HOME, keep it beside the binary.
    [ -n "${HOME:-}" ] || export GOCACHE="$PWD/tests/tools/bin/.gocache"
    GO111MODULE=off GOPATH="$GOPATH_DEBIAN" go build -o "$RENDER_BIN" "./$RENDER_SRC" || missing=1
  else
    missing=1
  fi
fi

if [ "$missing" != 0 ]; then
  say "INCOMPLETE: the checks that need what is missing above will fail until it is installed"
  exit 1
fi
