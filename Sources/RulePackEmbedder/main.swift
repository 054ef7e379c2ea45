// Writes a Swift file that carries the rule packs as string literals.
// Usage: RulePackEmbedder OUTPUT.swift RULES-DIRECTORY
// It lists the directory itself, so a pack added later is picked up without re-planning.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: RulePackEmbedder OUTPUT.swift RULES-DIRECTORY\n".utf8))
    exit(2)
}
var swift = "// Generated at build time from rules/*.json by the EmbedRulePacks plugin. Do not edit.\n"
swift += "let embeddedRulePacks: [(name: String, text: String)] = [\n"
let directory = arguments.dropFirst().first ?? "rules"
let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
for path in names.map({ directory + "/" + $0 }) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // A raw string delimiter longer than any run of # in the text keeps the literal exact.
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains(hashes + "\"") { hashes += "#" }
    let name = URL(fileURLWithPath: path).lastPathComponent
    swift += "    (name: \"\(name)\", text: \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
swift += "]\n"
// Data the code checks read (TLS suite classification), from rules/data/*.json.
swift += "let embeddedRuleData: [String: String] = [\n"
let dataDirectory = directory + "/data"
let dataNames = ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
for name in dataNames {
    let text = try String(contentsOfFile: dataDirectory + "/" + name, encoding: .utf8)
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains(hashes + "\"") { hashes += "#" }
    swift += "    \"\(name)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
swift += "]\n"
// The packs generated from vendor models (rules/generated/*.json): thousands of types, read
// one line (one type) at a time when a document first uses it (ModelCatalogue), not at start.
// Where each type's line starts is found here, at build time, so a run does not scan 1.6 MB.
swift += "let embeddedModelPacks: [(name: String, text: String, lineStarts: [Int32])] = [\n"
let modelDirectory = directory + "/generated"
let modelNames = ((try? FileManager.default.contentsOfDirectory(atPath: modelDirectory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
for name in modelNames {
    let text = try String(contentsOfFile: modelDirectory + "/" + name, encoding: .utf8)
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains(hashes + "\"") { hashes += "#" }
    var starts: [Int] = [], offset = 0, inTypes = false
    for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        if inTypes && line.starts(with: "{\"name\":\"".utf8) { starts.append(offset) }
        if Array(line) == Array("\"types\":[".utf8) { inTypes = true }
        offset += line.count + 1
    }
    swift += "    (name: \"generated/\(name)\", text: \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
    swift += "     lineStarts: [\(starts.map(String.init).joined(separator: ","))]),\n"
}
swift += "]\n"
try swift.write(toFile: outputPath, atomically: true, encoding: .utf8)
