import Foundation
import Testing

/// The library's public API is what a caller (the command first) uses; the rest is internal,
/// and the tests reach it with `@testable import`. A new public name belongs here, on purpose.
@Suite("Public API")
struct PublicAPITests {
    static let expected: Set<String> = [
        // The engine.
        "Linter", "LintOptions", "FileReport", "DocumentMode", "TLSProfile", "TemplateMode",
        // Rule loading, and a rule's documentation (`policylint rules`, `explain`).
        "RuleSet", "RulePack", "RulePackLoader", "ModelLines", "RuleDescription", "RuleDocumentation", "ConfigurationError",
        // Findings, their positions and fixes.
        "Finding", "Level", "SourcePosition", "Excerpt", "RelatedLocation", "EffectiveRule", "Suppression", "Fix", "TextEdit", "Fixer",
        // Configuration and baseline, as the command applies them.
        "Configuration", "CalendarDate", "ProjectPath", "Baseline",
        // Reporters and the registry of formats.
        "Reporter", "ReportOptions", "ReportFormat", "RunResult", "RunFinding", "policylintVersion",
        "TextReporter", "SarifReporter", "JSONReporter", "GitHubReporter", "JUnitReporter", "HTMLReporter",
        // What the command's output and file handling share with the engine.
        "terminalSafe", "terminalSafeLines", "writeFileAtomically", "WriteError", "uriEncodedDirectory", "uriReference",
        "closestMatch", "ParallelMap", "adviseHugePages",
        // The language server: its messages, and a field described for a hover.
        "JSONValue", "FieldDescription",
    ]

    /// The names declared `public` at the top level of the library's sources.
    static func publicNames() throws -> Set<String> {
        let root = Golden.root.appendingPathComponent("Sources/PolicyLint")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        let declaration = /^public (?:final |indirect )?(?:struct|enum|class|protocol|func|let|var) ([A-Za-z_][A-Za-z0-9_]*)/
        var names: Set<String> = []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                if let match = line.firstMatch(of: declaration) { names.insert(String(match.1)) }
            }
        }
        return names
    }

    @Test func onlyWhatACallerUsesIsPublic() throws {
        let names = try Self.publicNames()
        #expect(names.subtracting(Self.expected).sorted() == [], "public, but not meant to be")
        #expect(Self.expected.subtracting(names).sorted() == [], "meant to be public, but not found")
    }
}
