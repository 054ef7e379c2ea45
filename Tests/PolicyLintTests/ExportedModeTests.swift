import Testing
@testable import PolicyLint

/// A GET response edited and sent back as a PUT body is the most common mistake: with --mode
/// auto its read-only fields are still visible, as one note per document.
@Suite("Read-only fields in an exported document")
struct ExportedModeTests {
    static let body = Array("""
    {
      "resource_type": "SecurityPolicy",
      "id": "web",
      "_create_time": 1700000000000,
      "path": "/infra/domains/default/security-policies/web",
      "rules": [{"action": "ALLOW", "_create_user": "admin", "rule_id": 1}],
      "_revision": 2
    }
    """.utf8)

    static func findings(_ mode: DocumentMode?) -> [String] {
        // (The rule's hygiene, an unlogged any-any ALLOW, is not this suite's subject.)
        Linter(ruleSet: builtInRules, options: LintOptions(mode: mode)).lint(file: "web.json", bytes: body).findings
            .filter { !$0.ruleID.hasPrefix("rulebase/") }
            .map { "\($0.start.line):\($0.start.column) \($0.level.rawValue) \($0.ruleID)" }
    }

    @Test func autoModeNotesTheReadOnlyFieldsOnce() throws {
        #expect(Self.findings(nil) == ["4:3 note export/readonly-fields"])
        let note = try #require(Linter(ruleSet: builtInRules).lint(file: "web.json", bytes: Self.body).findings.first)
        // rule_id is read-only in VMware's NSX 4.2 model of a Rule.
        #expect(note.message.hasPrefix("this document carries 4 read-only fields that NSX sets itself (_create_time, path, _create_user, rule_id)"))
        #expect(note.message.contains("'policylint fix --in-place' removes them (keeping _revision)"))
    }

    @Test func anExportNamedAsSuchHasNoNote() { #expect(Self.findings(.exported).isEmpty) }

    @Test func anAuthoredBodyReportsEachField() {
        #expect(Self.findings(.authored) == ["4:3 warning schema/readonly-field", "5:3 warning schema/readonly-field",
                                             "6:33 warning schema/readonly-field", "6:58 warning schema/readonly-field"])
    }
}
