import Foundation
import PackagePlugin

/// Embeds every `rules/*.json` pack of the package into the engine at build time.
@main
struct EmbedRulePacks: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rulesDirectory = context.package.directoryURL.appending(path: "rules")
        let packs = try FileManager.default.contentsOfDirectory(atPath: rulesDirectory.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
            .map { rulesDirectory.appending(path: $0) }
        let dataDirectory = rulesDirectory.appending(path: "data")
        let data = ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { dataDirectory.appending(path: $0) }
        let modelDirectory = rulesDirectory.appending(path: "generated")
        let models = ((try? FileManager.default.contentsOfDirectory(atPath: modelDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { modelDirectory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedRulePacks.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(packs.count) rule packs",
                executable: try context.tool(named: "RulePackEmbedder").url,
                arguments: [output.path, rulesDirectory.path],
                inputFiles: packs + data + models + [rulesDirectory, dataDirectory, modelDirectory],
                outputFiles: [output]
            )
        ]
    }
}
