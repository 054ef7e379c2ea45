// Writes a Swift file that carries the rule packs as string literals.
// Usage: RulePackEmbedder OUTPUT.swift RULES-DIRECTORY
// It lists the directory itself, so a pack added later is picked up without re-planning.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: RulePackEmbedder OUTPUT.swift RULES-DIRECTORY\n".utf8))
    exit(2)
}
let directory = arguments.dropFirst().first ?? "rules"

/// The `*.json` files of a folder, by name, with their text; none when the folder is missing.
func jsonFiles(in folder: String) throws -> [(name: String, text: String)] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    return try names.map { ($0, try String(contentsOfFile: folder + "/" + $0, encoding: .utf8)) }
}

/// A raw string literal of the text: a delimiter longer than any run of # in it keeps it exact.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains(hashes + "\"") { hashes += "#" }
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

var swift = "// Generated at build time from rules/*.json by the EmbedRulePacks plugin. Do not edit.\n"
swift += "let embeddedRulePacks: [(name: String, text: String)] = [\n"
for (name, text) in try jsonFiles(in: directory) {
    swift += "    (name: \"\(name)\", text: \(literal(text))),\n"
}
swift += "]\n"
// Data the code checks read (TLS suite classification), from rules/data/*.json.
swift += "let embeddedRuleData: [String: String] = [\n"
for (name, text) in try jsonFiles(in: directory + "/data") {
    swift += "    \"\(name)\": \(literal(text)),\n"
}
swift += "]\n"
// The packs generated from vendor models (rules/generated/*.json): thousands of types, read
// one line (one type) at a time when a document first uses it (ModelCatalogue), not at start.
// Where each type's line starts is found here, at build time, so a run does not scan 1.6 MB.
swift += "let embeddedModelPacks: [(name: String, text: String, lineStarts: [Int32])] = [\n"
for (name, text) in try jsonFiles(in: directory + "/generated") {
    var starts: [Int] = [], offset = 0, inTypes = false
    for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        if inTypes && line.starts(with: "{\"name\":\"".utf8) { starts.append(offset) }
        if Array(line) == Array("\"types\":[".utf8) { inTypes = true }
        offset += line.count + 1
    }
    swift += "    (name: \"generated/\(name)\", text: \(literal(text)),\n"
    swift += "     lineStarts: [\(starts.map(String.init).joined(separator: ","))]),\n"
}
swift += "]\n"
try swift.write(toFile: outputPath, atomically: true, encoding: .utf8)
