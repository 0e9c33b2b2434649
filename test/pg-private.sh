#!/usr/bin/env bash
# Make a private, relocated copy of Debian's PostgreSQL 15 install, so that
# an extension can be built, installed and tested there without touching the
# system one (parallel work trees, the mutation runner).
#
#   test/pg-private.sh DIR     copy into DIR (once); print DIR's pg_config
#
# PostgreSQL finds its share and lib directories relative to its binaries,
# so the copy keeps Debian's layout under DIR.  Headers are only read, so
# they are linked, not copied.
set -euo pipefail

dir=${1:?usage: pg-private.sh DIR}
src=$("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" --bindir)
src=${src%/bin}						# /usr/lib/postgresql/15
major=$(basename "$src")
if [ ! -x "$dir/usr/lib/postgresql/$major/bin/pg_config" ]; then
	mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql" "$dir/usr/include/postgresql"
	cp -a "$src" "$dir/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$major" "$dir/usr/share/postgresql/"
	ln -sfn "/usr/include/postgresql/$major" "$dir/usr/include/postgresql/$major"
	chmod -R a+rX "$dir"
fi
echo "$dir/usr/lib/postgresql/$major/bin/pg_config"
