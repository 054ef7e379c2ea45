// swift-tools-version:6.0
import PackageDescription

// packages: none. A pre-commit hook builds this in a fresh clone, so it depends on nothing
// beyond the toolchain.
let package = Package(
    name: "policylint",
    products: [
        .executable(name: "policylint", targets: ["policylint"]),
        .library(name: "PolicyLint", targets: ["PolicyLint"]),
    ],
    targets: [
        // The engine: parse → discover → check → configure → report. Never prints.
        .target(
            name: "PolicyLint",
            // Double.rounded() and friends come from libm, which Swift on Linux does not link by itself.
            linkerSettings: [.linkedLibrary("m")],
            plugins: ["EmbedRulePacks"]
        ),
        // The command line: arguments, files, exit codes.
        .executableTarget(name: "policylint", dependencies: ["PolicyLint"]),
        // `swift run -c release policylint-bench`: generates exports into a temporary directory
        // and times the real `policylint` binary on them. Depending on the executable makes
        // `swift run` build it too, beside the bench.
        .executableTarget(name: "policylint-bench", dependencies: ["policylint"]),
        // Turns rules/*.json into Swift source at build time, so the packs live inside the
        // binary and a copied executable works without the source tree.
        .executableTarget(name: "RulePackEmbedder"),
        .plugin(
            name: "EmbedRulePacks",
            capability: .buildTool(),
            dependencies: ["RulePackEmbedder"]
        ),
        .testTarget(name: "PolicyLintTests", dependencies: ["PolicyLint", "policylint"]),
    ]
)
