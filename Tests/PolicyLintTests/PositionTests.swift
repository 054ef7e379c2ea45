import Testing
@testable import PolicyLint

/// The same defect written in different ways must be reported at the exact same character.
@Suite("Exact positions")
struct PositionTests {
    func sequenceRangeFinding(_ bytes: [UInt8]) throws -> Finding {
        let report = Linter(ruleSet: builtInRules).lint(file: "policy.json", bytes: bytes)
        return try #require(report.findings.first { $0.ruleID == "nsx/sequence-range" })
    }

    let pretty = """
    {
      "resource_type": "SecurityPolicy",
      "display_name": "web tier",
      "sequence_number": 1000000
    }
    """

    @Test func lfLineEndings() throws {
        let f = try sequenceRangeFinding(Array(pretty.utf8))
        #expect(f.start == SourcePosition(line: 4, column: 22))
        #expect(f.end == SourcePosition(line: 4, column: 29))
        #expect(f.pointer == "/sequence_number")
    }

    @Test func crlfLineEndings() throws {
        let f = try sequenceRangeFinding(Array(pretty.replacing("\n", with: "\r\n").utf8))
        #expect(f.start == SourcePosition(line: 4, column: 22))
    }

    @Test func byteOrderMark() throws {
        let f = try sequenceRangeFinding([0xEF, 0xBB, 0xBF] + Array(pretty.utf8))
        #expect(f.start == SourcePosition(line: 4, column: 22))
        let minified = try sequenceRangeFinding([0xEF, 0xBB, 0xBF] + Array(#"{"resource_type":"SecurityPolicy","sequence_number":1000000}"#.utf8))
        #expect(minified.start == SourcePosition(line: 1, column: 53))
    }

    @Test func minifiedInput() throws {
        let f = try sequenceRangeFinding(Array(#"{"resource_type":"SecurityPolicy","sequence_number":1000000}"#.utf8))
        #expect(f.start == SourcePosition(line: 1, column: 53))
        #expect(f.excerpt?.caretColumn == 53)
    }

    @Test func nonASCIITextBeforeTheValue() throws {
        let f = try sequenceRangeFinding(Array(#"{"display_name": "Zürich 東京 🔥", "resource_type": "SecurityPolicy", "sequence_number": 1000000}"#.utf8))
        #expect(f.start == SourcePosition(line: 1, column: 87))
        #expect(f.excerpt?.caretColumn == 87)
    }

    @Test func pointerIntoNestedArrays() throws {
        let text = #"{"resource_type": "SecurityPolicy", "rules": [{"action": "ALLOW"}, {"action": "DENY"}]}"#
        let report = Linter(ruleSet: builtInRules).lint(file: "p.json", bytes: Array(text.utf8))
        let f = try #require(report.findings.first { $0.ruleID == "schema/enum" })
        #expect(f.pointer == "/rules/1/action")
        #expect(f.start == SourcePosition(line: 1, column: 79))
    }

    @Test func pointerEscapesSlashAndTilde() throws {
        let text = #"{"results": [{"resource_type": "Rule", "a/b~c": {"x": 1}, "action": "NOPE"}]}"#
        let report = Linter(ruleSet: builtInRules).lint(file: "p.json", bytes: Array(text.utf8))
        #expect(report.findings.first { $0.ruleID == "schema/enum" }?.pointer == "/results/0/action")
        #expect(jsonPointerToken("a/b~c") == "a~1b~0c")
    }

    @Test func longMinifiedLinesAreCutAroundTheFinding() throws {
        let padding = String(repeating: #""x": 1, "#, count: 200)
        let text = "{\(padding)\"resource_type\": \"SecurityPolicy\", \"sequence_number\": 1000000, \(padding)\"y\": 2}"
        let f = try sequenceRangeFinding(Array(text.utf8))
        let excerpt = try #require(f.excerpt)
        #expect(excerpt.text.count < 200)
        let marked = Array(excerpt.text)
        #expect(String(marked[(excerpt.caretColumn - 1)..<(excerpt.caretColumn + 6)]) == "1000000")
    }
}
