import Foundation
import Testing
@testable import PolicyLint

/// Public real-world configs (testdata/realworld, sources and licences in its SOURCES.md): no
/// error-level finding is allowed.
@Suite("Real-world corpus")
struct CorpusTests {
    static let folder = Golden.root.appendingPathComponent("testdata/realworld")
    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func theCorpusIsThere() { #expect(Self.files.count >= 2) }

    @Test("no error on a real config", arguments: files)
    func noErrors(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        let report = Linter(ruleSet: builtInRules).lint(file: name, bytes: bytes)
        let errors = report.findings.filter { $0.level == .error }
        #expect(errors.isEmpty, "\(errors.map { "\($0.start.line):\($0.start.column) [\($0.ruleID)] \($0.message)" })")
        #expect(!report.checkedTypes.isEmpty || !report.uncheckedTypes.isEmpty, "discovery found the NSX objects")
    }
}

@Test("docs/rules.md is generated from the packs and current")
func ruleCatalogueIsCurrent() throws {
    try Golden.check(RuleDocumentation.catalogue(builtInRules), against: "docs/rules.md")
}
