import Foundation
import Testing
@testable import PolicyLint

/// The RFC 8259 conformance corpus (testdata/conformance, described in its README): every valid
/// document lints without a `json/*` finding, and every invalid one gives exactly the finding
/// its `.expect` file names, at the place it names, as its first `json/*` finding.
@Suite("RFC 8259 conformance")
struct ConformanceTests {
    static let folder = Golden.root.appendingPathComponent("testdata/conformance")

    static func files(_ subfolder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(subfolder).path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func bytes(_ subfolder: String, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(subfolder).appendingPathComponent(name)))
    }

    /// `RULE LINE:COLUMN message fragment` on the first line; `#` lines describe the case.
    struct Expectation {
        var rule: String
        var position: SourcePosition
        var fragment: String

        init(_ text: String) throws {
            let line = try #require(text.split(separator: "\n").first { !$0.hasPrefix("#") }, "an empty .expect file")
            let parts = line.split(separator: " ", maxSplits: 2)
            try #require(parts.count >= 2, "expected 'RULE LINE:COLUMN [message fragment]', found '\(line)'")
            let place = parts[1].split(separator: ":").compactMap { Int($0) }
            try #require(place.count == 2, "expected LINE:COLUMN, found '\(parts[1])'")
            rule = String(parts[0])
            position = SourcePosition(line: place[0], column: place[1])
            fragment = parts.count > 2 ? String(parts[2]) : ""
        }
    }

    @Test func theCorpusCoversEveryCategory() throws {
        let valid = Self.files("valid"), invalid = Self.files("invalid")
        #expect(valid.count >= 40)
        #expect(invalid.count >= 140)
        for category in ["number", "string", "structure", "top-level", "whitespace", "bom"] {
            #expect(valid.contains { $0.hasPrefix(category + "-") }, "no valid \(category) case")
        }
        for category in ["number", "string", "surrogate", "utf8", "bom", "whitespace", "structure", "literal", "position"] {
            #expect(invalid.contains { $0.hasPrefix(category + "-") }, "no invalid \(category) case")
        }
        for name in invalid {
            let expect = Self.folder.appendingPathComponent("invalid").appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".expect"))
            #expect(FileManager.default.fileExists(atPath: expect.path), "\(name) has no .expect file")
        }
    }

    @Test("a valid document gives no json/* finding", arguments: files("valid"))
    func valid(_ name: String) throws {
        let bytes = try Self.bytes("valid", name)
        let doc = JSONParser.parse(bytes)
        #expect(doc.problems.isEmpty, "\(doc.problems.map(\.message))")
        #expect(doc.isComplete)
        let report = Linter(ruleSet: builtInRules).lint(file: name, bytes: bytes)
        let json = report.findings.filter { $0.ruleID.hasPrefix("json/") }
        #expect(json.isEmpty, "\(json.map { "\($0.start.line):\($0.start.column) [\($0.ruleID)] \($0.message)" })")
    }

    @Test("an invalid document gives the expected first finding at the expected place", arguments: files("invalid"))
    func invalid(_ name: String) throws {
        let bytes = try Self.bytes("invalid", name)
        let expectText = try String(contentsOf: Self.folder.appendingPathComponent("invalid")
            .appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".expect")), encoding: .utf8)
        let expected = try Expectation(expectText)
        let report = Linter(ruleSet: builtInRules).lint(file: name, bytes: bytes)
        let first = try #require(report.findings.first { $0.ruleID.hasPrefix("json/") }, "no json/* finding")
        let found = "\(first.start.line):\(first.start.column) [\(first.ruleID)] \(first.message)"
        #expect(first.ruleID == expected.rule, "\(found)")
        #expect(first.start == expected.position, "\(found)")
        #expect(first.message.contains(expected.fragment), "\(found)")
    }
}

@Test("a position quoted in a message counts lines and columns as the reports do",
      arguments: ["\n", "\r\n", "\r"])
func positionsInMessagesCountLikeReports(_ lineBreak: String) throws {
    let text = "\u{FEFF}{" + lineBreak + "  \"日本\": 1," + lineBreak + "  \"日本\": 2" + lineBreak + "}"
    let bytes = Array(text.utf8)
    let report = Linter(ruleSet: builtInRules).lint(file: "dup.json", bytes: bytes)
    let duplicate = try #require(report.findings.first { $0.ruleID == "json/duplicate-key" })
    #expect(duplicate.start == SourcePosition(line: 3, column: 3))
    #expect(duplicate.message.contains("first at line 2, column 3"), "\(duplicate.message)")
}

/// On one long line, the first of a repeated key is counted back from the repeat (its position
/// is named when the finding is placed), with a byte order mark that is not a column.
@Test func theFirstOfARepeatedKeyOnOneLineIsNamedByItsColumn() throws {
    let padding = (0..<2_000).map { #""k\#($0)": \#($0)"# }.joined(separator: ",")
    let text = "\u{FEFF}{\"日本\": 0," + padding + ",\"日本\": 1}"
    let report = Linter(ruleSet: builtInRules).lint(file: "dup.json", bytes: Array(text.utf8))
    let duplicate = try #require(report.findings.first { $0.ruleID == "json/duplicate-key" })
    #expect(duplicate.message.contains("first at line 1, column 2"), "\(duplicate.message)")
    #expect(duplicate.start.line == 1 && duplicate.start.column == 11 + padding.unicodeScalars.count)
}
