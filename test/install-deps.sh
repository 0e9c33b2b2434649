#!/usr/bin/env bash
# Install what activemodel needs from Debian's packages.
#
#   test/install-deps.sh            build and demo: PostgreSQL 15, its PGXS, a C compiler
#   test/install-deps.sh --tests    also what the test suites use
#   test/install-deps.sh --clients  also the client drivers of test/clients
#                                   (their npm packages: test/clients/run.sh)
# The flags combine: --tests --clients.
set -euo pipefail

packages=(postgresql-15 postgresql-server-dev-15 make gcc)
for flag in "$@"; do
	case "$flag" in
		--tests)
			packages+=(
				clang libclang-rt-14-dev	# libFuzzer harness with ASan/UBSan
				libipc-run-perl				# TAP tests (PostgreSQL::Test::Cluster)
				python3 python3-psycopg		# benchmarks
			)
			;;
		--clients)
			packages+=(
				python3 python3-psycopg python3-psycopg2 python3-asyncpg
				python3-sqlalchemy python3-alembic python3-sqlmodel	# SQLAlchemy 1.4
				ruby-pg libdbd-pg-perl
				libpostgresql-jdbc-java default-jdk-headless
				golang-go golang-github-jackc-pgx-v4-dev	# pgx v4, GOPATH mode
			)
			# node-postgres and postgres.js need Node.js and npm; keep the
			# machine's own Node.js when it has one
			command -v npm >/dev/null || packages+=(nodejs npm)
			;;
		*)
			echo "usage: $0 [--tests] [--clients]" >&2
			exit 2
			;;
	esac
done

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
