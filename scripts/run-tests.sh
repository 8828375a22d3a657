#!/bin/sh
# Installs what is missing, builds with AddressSanitizer + UBSan, and runs
# the whole test suite with ctest: unit tests, integration tests against
# the emulated ID-card reader, headless end-to-end scripts in both
# orientations, and the fuzz corpora. Then a short libFuzzer run of every
# fuzz target (clang). Exit status is ctest's, or the fuzzers'.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
jobs=$(nproc)

build="$root/build-asan"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$jobs"
# The software renderer's font stack (fontconfig/freetype) keeps caches
# alive until exit: report real leaks in our code, not theirs.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest_rc=0
ctest --test-dir "$build" --output-on-failure -j"$jobs" >"$build/ctest.log" 2>&1 || ctest_rc=$?
cat "$build/ctest.log"
[ "$ctest_rc" -eq 0 ] || exit "$ctest_rc"

# Fuzzing: build the targets with clang + libFuzzer and give each a short
# run from its seed corpus (new inputs go to a scratch dir, not the tree).
failed=0
if command -v clang >/dev/null 2>&1; then
    fuzz="$root/build-fuzz"
    CC=clang cmake -S "$root" -B "$fuzz" -DKIOSK_FUZZ=ON -DKIOSK_TESTS=ON >/dev/null
    for src in "$root"/tests/fuzz/fuzz_*.c; do
        name=$(basename "$src" .c)
        cmake --build "$fuzz" -j"$jobs" --target "$name" >/dev/null
        corpus="$root/tests/fuzz/corpus/${name#fuzz_}"
        scratch=$(mktemp -d)
        echo "fuzz: $name for ${FUZZ_SECONDS:-30} s"
        if ! "$fuzz/tests/fuzz/$name" -max_total_time="${FUZZ_SECONDS:-30}" \
                -artifact_prefix="$fuzz/" "$scratch" "$corpus" >"$scratch.log" 2>&1; then
            # the crashing input is kept in $fuzz/ for the developer
            tail -n 40 "$scratch.log"
            echo "fuzz: $name FAILED"
            failed=1
        else
            grep -E '^Done|^#[0-9]+.*DONE' "$scratch.log" | tail -n 1
            fuzz_ok=$(( ${fuzz_ok:-0} + 1 ))
        fi
        rm -rf "$scratch" "$scratch.log"
    done
fi
# One closing line for whoever reads the end of the log: ctest's totals
# plus one per fuzz target run.
summary=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$build/ctest.log")
set -- $summary
passed=$(( $2 - $1 + ${fuzz_ok:-0} ))
echo "tests: $passed passed, $(( $1 + failed )) failed"
exit "$failed"
