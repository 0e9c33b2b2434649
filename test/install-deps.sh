#!/usr/bin/env bash
# Install what activemodel needs from Debian's packages.
#
#   test/install-deps.sh          build and demo: PostgreSQL 15, its PGXS, a C compiler
#   test/install-deps.sh --tests  also what the test suites use
set -euo pipefail

packages=(postgresql-15 postgresql-server-dev-15 make gcc)
if [ "${1:-}" = "--tests" ]; then
	packages+=(
		clang libclang-rt-14-dev	# libFuzzer harness with ASan/UBSan
		libipc-run-perl				# TAP tests (PostgreSQL::Test::Cluster)
		python3 python3-psycopg		# benchmarks
	)
fi

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
