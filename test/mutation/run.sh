#!/bin/sh
# Mutation testing: plant each bug of test/mutation/mutants.ini in turn and
# run the suites against a private PostgreSQL copy.  On demand only (too
# slow for CI).  Options and output: see the header of run.py, or --help.
#
#   test/mutation/run.sh                       every mutant
#   test/mutation/run.sh codec-01 'gen-*'      some, by id or glob
#   test/mutation/run.sh src/typeid_codec.c    the mutants of one file
#   test/mutation/run.sh --check               list stale mutants only
exec python3 "$(dirname "$0")/run.py" "$@"
