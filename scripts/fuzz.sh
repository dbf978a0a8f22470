#!/usr/bin/env bash
# Fuzzes every target for SECONDS each (default 60), two at a time, with
# cargo-fuzz (libFuzzer) on the nightly toolchain:
#
#   cargo install cargo-fuzz     # once
#   scripts/fuzz.sh 600          # ten minutes per target
#
# Each run starts from the committed seeds in fuzz/seeds/<target> and keeps
# what it finds in fuzz/corpus/<target> (not committed). A crash stops that
# target and leaves its input in fuzz/artifacts/<target>/: turn it into a
# regression test, fix the code, and run again.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH="${1:-60}"
TARGETS=(csv_document markdown_plan plan_grammar signature slack_payloads)
cargo +nightly fuzz build
status=0
run() {
    local target=$1
    mkdir -p "corpus/$target"
    if cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$SECONDS_EACH" -print_final_stats=1 >"fuzz-$target.log" 2>&1; then
        echo "$target: no crash in ${SECONDS_EACH}s ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "fuzz-$target.log" | grep -o '[0-9]*$') runs)"
    else
        echo "$target: FAILED, see fuzz/fuzz-$target.log and fuzz/artifacts/$target/"
        return 1
    fi
}
for ((i = 0; i < ${#TARGETS[@]}; i += 2)); do
    run "${TARGETS[$i]}" & first=$!
    if ((i + 1 < ${#TARGETS[@]})); then run "${TARGETS[$((i + 1))]}" & second=$!; else second=""; fi
    wait "$first" || status=1
    if [[ -n "$second" ]]; then wait "$second" || status=1; fi
done
exit $status
