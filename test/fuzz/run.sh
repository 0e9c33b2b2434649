#!/bin/sh
#
# test/fuzz/run.sh [SECONDS]
#
# Fuzz the TypeID codec (src/typeid_codec.c) with libFuzzer:
#
#   1. build test/fuzz/fuzz_typeid with clang (ASan, UBSan made fatal,
#      warnings as errors, the codec's Assert()s on);
#   2. extract every `typeid: "..."` of the spec vectors in
#      test/data/typeid-spec/ into seed files and replay them once, so that
#      the vectors are always checked, whatever the fuzzer then does;
#   3. fuzz for SECONDS (default 60; 0 stops after the replay), starting from
#      the seeds and the corpus kept in test/fuzz/corpus-run/ (gitignored).
#
# Prints one summary line last; exits non-zero when the build fails or the
# fuzzer finds a crash, a leak or undefined behaviour.  Crashing inputs are
# saved in test/fuzz/corpus-run/artifacts/; replay one with
#   test/fuzz/fuzz_typeid test/fuzz/corpus-run/artifacts/crash-...
#
# Environment: CLANG (default clang), FUZZ_MAX_LEN (default 128: valid
# TypeIDs are at most 90 bytes).

set -u

seconds=${1:-60}
case $seconds in
	'' | *[!0-9]*)
		echo "usage: $0 [SECONDS]" >&2
		exit 2
		;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
clang=${CLANG:-clang}
max_len=${FUZZ_MAX_LEN:-128}

bin=$here/fuzz_typeid
work=$here/corpus-run
seeds=$work/seeds
corpus=$work/corpus
artifacts=$work/artifacts
log=$work/fuzz.log

summary_fail()
{
	echo "fuzz_typeid: FAILED ($1)"
	exit 1
}

# Show the end of the log and the saved input, then fail.
fuzz_fail()
{
	echo "---- last lines of $log ----" >&2
	tail -n 40 "$log" >&2
	found=$(ls "$artifacts")
	if [ -n "$found" ]; then
		summary_fail "$1: input saved in $artifacts: $found"
	fi
	input=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
	summary_fail "$1; failing input: ${input:-see $log}"
}

mkdir -p "$work" "$corpus" "$artifacts" || summary_fail "cannot create $work"
rm -rf "$seeds" "${artifacts:?}"/*
mkdir "$seeds"

# 1. build
if ! "$clang" -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -Wno-unused-parameter -DUSE_ASSERT_CHECKING \
	-I"$root/src" -o "$bin" \
	"$here/fuzz_typeid.c" "$root/src/typeid_codec.c"; then
	summary_fail "build"
fi

# 2. seed corpus from the spec vectors; a commented-out vector is skipped
nseeds=0
for kind in valid invalid; do
	sed -n 's/^[[:space:]]*typeid: "\(.*\)"[[:space:]]*$/\1/p' \
		"$root/test/data/typeid-spec/$kind.yml" > "$work/$kind.txt" ||
		summary_fail "cannot read $kind.yml"
	i=0
	while IFS= read -r vector; do
		i=$((i + 1))
		printf '%s' "$vector" > "$seeds/$kind-$i"
	done < "$work/$kind.txt"
	nseeds=$((nseeds + i))
	rm -f "$work/$kind.txt"
done
[ "$nseeds" -gt 0 ] || summary_fail "no vectors found in test/data/typeid-spec"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# replay the vectors once each: the deterministic part
if ! "$bin" -artifact_prefix="$artifacts/" "$seeds"/* > "$log" 2>&1; then
	fuzz_fail "spec vector replay"
fi
if [ "$seconds" -eq 0 ]; then
	echo "fuzz_typeid: ok, $nseeds spec vectors replayed, no fuzzing (0 s)"
	exit 0
fi

# 3. bounded fuzzing; new inputs go to $corpus, the seeds are read only
if ! "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$artifacts/" \
	"$corpus" "$seeds" >> "$log" 2>&1; then
	fuzz_fail "crash, leak or UB while fuzzing"
fi

final_stat()
{
	sed -n "s/^stat::$1:[[:space:]]*//p" "$log" | tail -n 1
}
echo "fuzz_typeid: ok, $nseeds spec vectors replayed, $(final_stat number_of_executed_units) runs in ${seconds} s ($(final_stat average_exec_per_sec) exec/s), corpus $(ls "$corpus" | wc -l) inputs, peak RSS $(final_stat peak_rss_mb) MB, no crash, leak or UB"
