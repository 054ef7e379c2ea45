#!/usr/bin/env bash
# Fuzzes the JSON parser and the whole engine with libFuzzer for a given time.
#
#   scripts/fuzz.sh SECONDS            build, then fuzz for SECONDS (default 600)
#   scripts/fuzz.sh --build-only       build Fuzz/.build/policylint-fuzz and stop
#   scripts/fuzz.sh --run FILE...      replay inputs (a crash from Fuzz/crashes/) and stop
#
# Linux only (libFuzzer ships with the Swift toolchain there). The engine's sources and the
# embedded rule packs are compiled straight into one module with Fuzz/FuzzEntry.swift under
# -sanitize=fuzzer,address; SwiftPM never builds Fuzz/, so `swift build` and `swift test` are
# unaffected. One worker, one job. The corpus grows in Fuzz/corpus/ (seeded from testdata/),
# crashes are written to Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/Fuzz/.build"
binary="$out/policylint-fuzz"
mkdir -p "$out" "$root/Fuzz/corpus" "$root/Fuzz/crashes"

build() {
    # The packs, embedded the way the EmbedRulePacks plugin does it.
    swiftc -O "$root/Sources/RulePackEmbedder/main.swift" -o "$out/RulePackEmbedder" -module-cache-path "$out/module-cache"
    "$out/RulePackEmbedder" "$out/EmbeddedRulePacks.swift" "$root/rules"
    local sources=()
    while IFS= read -r -d '' file; do sources+=("$file"); done < <(find "$root/Sources/PolicyLint" -name '*.swift' -print0 | sort -z)
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
        -module-name PolicyLint -module-cache-path "$out/module-cache" \
        "${sources[@]}" "$out/EmbeddedRulePacks.swift" "$root/Fuzz/FuzzEntry.swift" \
        -use-ld=lld -lm -o "$binary"
}

case "${1:-600}" in
--build-only) build; echo "built $binary"; exit 0 ;;
--run) shift; build; exec "$binary" -rss_limit_mb=4096 "$@" ;;
esac

seconds="${1:-600}"
build
# Seeds: every JSON file of testdata/ (samples, seeds, conformance, regressions) and the packs'
# own examples; libFuzzer reads the directories, and keeps what it finds new in Fuzz/corpus/.
seeds=("$root/testdata")
[ -d "$root/examples" ] && seeds+=("$root/examples")
# -timeout: an input that takes this long is a hang, saved like a crash.
# -max_len: big enough for the biggest seed files to mutate whole.
exec "$binary" "$root/Fuzz/corpus" "${seeds[@]}" \
    -max_total_time="$seconds" -workers=1 -jobs=1 -timeout=20 -rss_limit_mb=4096 \
    -max_len=65536 -artifact_prefix="$root/Fuzz/crashes/" -print_final_stats=1
