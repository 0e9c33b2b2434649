#!/usr/bin/env bash
# Build and run typeid_pgx.go against Debian's Go packages: GOPATH mode
# (no module proxy), pgx v4 and its dependencies from /usr/share/gocode.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOTOOLCHAIN=local
export GOCACHE=${GOCACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/go-build}
exec go run "$here/typeid_pgx.go"
