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
# unaffected. One worker (this process). The corpus grows in Fuzz/corpus/ (seeded from testdata/),
# crashes are written to Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/Fuzz/.build"
binary="$out/policylint-fuzz"
mkdir -p "$out" "$root/Fuzz/corpus" "$root/Fuzz/crashes"

build() {
    # A snapshot of the sources and packs: the compiler then never sees a file change mid-build.
    rm -rf "$out/snapshot"
    mkdir -p "$out/snapshot"
    cp -R "$root/Sources/PolicyLint" "$root/rules" "$root/Fuzz/FuzzEntry.swift" "$root/Sources/RulePackEmbedder/main.swift" "$out/snapshot/"
    # The packs, embedded the way the EmbedRulePacks plugin does it.
    swiftc -O "$out/snapshot/main.swift" -o "$out/RulePackEmbedder" -module-cache-path "$out/module-cache"
    "$out/RulePackEmbedder" "$out/EmbeddedRulePacks.swift" "$out/snapshot/rules"
    local sources=()
    while IFS= read -r -d '' file; do sources+=("$file"); done < <(find "$out/snapshot/PolicyLint" -name '*.swift' -print0 | sort -z)
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
        -module-name PolicyLint -module-cache-path "$out/module-cache" \
        "${sources[@]}" "$out/EmbeddedRulePacks.swift" "$out/snapshot/FuzzEntry.swift" \
        -use-ld=lld -lm -o "$binary"
}

case "${1:-600}" in
--build-only) build; echo "built $binary"; exit 0 ;;
--run) shift; build; export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE=enable=no; exec "$binary" -rss_limit_mb=4096 -detect_leaks=0 "$@" ;;
esac

seconds="${1:-600}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
# Swift's own crash backtracer reads memory that AddressSanitizer then reports instead of the crash.
export SWIFT_BACKTRACE=enable=no
build
# Seeds: every JSON file of testdata/ (samples, seeds, conformance, regressions) and the packs'
# own examples; libFuzzer reads the directories, and keeps what it finds new in Fuzz/corpus/.
seeds=("$root/testdata")
[ -d "$root/examples" ] && seeds+=("$root/examples")
# libFuzzer's default is one worker in this process (no -jobs: that would fork workers).
# Leak checking is off: the engine's globals (the rule set) are not leaks.
# -timeout: an input that takes this long is a hang, saved like a crash (generous: on a
# shared, loaded machine a 0.1 s input once took 28 s while memory was exhausted).
# -max_len: bigger than every JSON seed, small enough to keep executions fast.
exec "$binary" "$root/Fuzz/corpus" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -detect_leaks=0 \
    -max_len=16384 -artifact_prefix="$root/Fuzz/crashes/" -print_final_stats=1
