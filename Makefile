# activemodel: PGXS build.
#
#   make                     build the module
#   make install             install it into the PostgreSQL found by PG_CONFIG
#   make installcheck        run the pg_regress suites against a running server
#
# .ci/run builds with PG_CFLAGS="-Wall -Wextra -Werror -Wno-unused-parameter".

MODULE_big = activemodel
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

EXTENSION = activemodel
# the version being built; activemodel.control's default_version must match
EXTVERSION = 1.1
DATA = $(sort $(wildcard sql/activemodel--*.sql))

# every sql/<feature>.sql except the install and upgrade scripts
REGRESS = $(sort $(basename $(notdir $(filter-out sql/activemodel--%,$(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --load-extension=activemodel

PG_CPPFLAGS = -I$(srcdir)/src

EXTRA_CLEAN = test/fuzz/fuzz_typeid test/fuzz/corpus-run

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# the control file and the full install script must be of EXTVERSION
versioncheck:
	@grep -qx "default_version = '$(EXTVERSION)'" $(EXTENSION).control || \
		{ echo "$(EXTENSION).control: default_version is not $(EXTVERSION)" >&2; exit 1; }
	@test -f sql/$(EXTENSION)--$(EXTVERSION).sql || \
		{ echo "sql/$(EXTENSION)--$(EXTVERSION).sql is missing" >&2; exit 1; }

.PHONY: versioncheck
