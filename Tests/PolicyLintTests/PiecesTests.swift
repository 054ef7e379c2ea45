import Foundation
import Testing
@testable import PolicyLint

/// A large input is read, scanned, checked and indexed in pieces on every core. The pieces must
/// not change a single finding: each test file is linted whole and cut into as many pieces as it
/// allows, and the reports must be equal.
@Suite("Large inputs in pieces")
struct PiecesTests {
    /// Every JSON file the tests keep: samples, seed examples, conformance and regression inputs.
    static let files: [String] = {
        var found: [String] = []
        for folder in ["testdata/samples", "testdata/seeds", "testdata/conformance", "testdata/regressions", "testdata/golden"] {
            let root = Golden.root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".json") { found.append(folder + "/" + path) }
        }
        return found.sorted()
    }()

    /// Everything a report says about a finding, as one comparable line.
    static func describe(_ reports: [FileReport]) -> [String] {
        reports.flatMap { report in
            ["\(report.file) checked \(report.checkedTypes.sorted { $0.key < $1.key }) unchecked \(report.uncheckedTypes.sorted { $0.key < $1.key })"]
                + report.findings.map { f in
                    "\(f.file) \(f.start.line):\(f.start.column)-\(f.end.line):\(f.end.column) \(f.level) [\(f.ruleID)] \(f.pointer) \(f.message) \(f.valueHash) \(f.excerpt?.text ?? "-") \(f.fix.map { "\($0.description) \($0.start.line):\($0.start.column)" } ?? "")"
                }
        }
    }

    static func lintInPieces(_ bundle: [(name: String, bytes: [UInt8])]) -> (whole: [String], pieces: [String]) {
        let whole = Linter(ruleSet: builtInRules)
        var cut = whole
        cut.nodesForPieces = 1
        return (describe(whole.lint(bundle: bundle)), describe(cut.lint(bundle: bundle)))
    }

    @Test func theTestFilesAreThere() {
        #expect(Self.files.count > 100)
    }

    @Test(arguments: files) func aFileInPiecesHasTheSameFindings(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent(path)))
        let (whole, pieces) = Self.lintInPieces([(path, bytes)])
        #expect(whole == pieces)
    }

    /// The samples as one bundle: references across files, duplicates and sequence numbers come
    /// from facts gathered piece by piece.
    @Test func theSamplesAsOneBundleInPieces() throws {
        let bundle = try Self.files.filter { $0.hasPrefix("testdata/samples/") }.map { path in
            (name: path, bytes: [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent(path))))
        }
        let (whole, pieces) = Self.lintInPieces(bundle)
        #expect(whole.count > 10)
        #expect(whole == pieces)
    }

    /// An H-API tree whose objects get their paths from the objects around them: a piece that
    /// starts inside a domain or a policy must derive the same paths (here, a duplicate rule id
    /// and a dangling group are only found through derived paths).
    @Test func derivedPathsAreTheSameInEveryPiece() {
        var rules: [String] = []
        for r in 0..<40 {
            let id = r == 39 ? "rule-0" : "rule-\(r)"  // the last repeats the first id
            let group = r == 20 ? "missing" : "web"
            rules.append(#"{"resource_type": "ChildRule", "Rule": {"resource_type": "Rule", "id": "\#(id)", "sequence_number": \#(r), "source_groups": ["/infra/domains/d1/groups/\#(group)"], "destination_groups": ["ANY"], "services": ["ANY"], "action": "ALLOW"}}"#)
        }
        let text = #"""
        {"resource_type": "Infra", "children": [{"resource_type": "ChildDomain", "Domain": {"resource_type": "Domain", "id": "d1", "children": [
          {"resource_type": "ChildGroup", "Group": {"resource_type": "Group", "id": "web", "expression": []}},
          {"resource_type": "ChildSecurityPolicy", "SecurityPolicy": {"resource_type": "SecurityPolicy", "id": "p1", "category": "Application", "sequence_number": 1, "children": [
        \#(rules.joined(separator: ",\n"))
        ]}}]}}]}
        """#
        let (whole, pieces) = Self.lintInPieces([("tree.json", Array(text.utf8))])
        #expect(whole.contains { $0.contains("[dup/id]") && $0.contains("/infra/domains/d1/security-policies/p1/rules/rule-0") })
        #expect(whole.contains { $0.contains("[xref/dangling]") && $0.contains("/infra/domains/d1/groups/missing") })
        #expect(whole == pieces)
    }

    @Test func piecesCoverTheRangeInOrder() {
        for count in [0, 1, 2, 15, 16, 17, 1000] {
            for n in [1, 2, 16] {
                let pieces = Linter.pieces(count, count: n)
                #expect(pieces.first?.lowerBound == 0)
                #expect(pieces.last?.upperBound == max(count, 0))
                #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                #expect(pieces.count == max(1, min(n, count)))
            }
        }
    }

    /// A file of more than 8 MB is read in pieces on every core: a defect in each piece of it
    /// must be found at its line, so every byte arrived in its place.
    @Test func aLargeFileIsReadWholeAndInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = ["{\"results\": ["]
        let count = 60_000
        for i in 0..<count {
            // Every 7,500th policy has a sequence number out of range.
            let sequence = i % 7_500 == 7_499 ? 1_000_000 + i : i
            lines.append(#"  {"resource_type": "SecurityPolicy", "id": "p\#(i)", "display_name": "policy \#(i) with a long enough name", "category": "Application", "sequence_number": \#(sequence)}\#(i == count - 1 ? "" : ",")"#)
        }
        lines.append("]}")
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 8 << 20)
        let file = folder.appendingPathComponent("large.json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["--format", "json", file.path])
        let found = r.stdout.components(separatedBy: "\"line\": ").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        #expect(found == (0..<count).filter { $0 % 7_500 == 7_499 }.map { $0 + 2 })
    }

    /// Line starts of a large input are found in pieces, eight bytes at a time: they must be
    /// every offset after a '\n', and a '\r' anywhere must give the line-by-line count.
    @Test func lineStartsOfALargeInputAreEveryOffsetAfterANewline() {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 5 << 20)
        for _ in 0..<200_000 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = 0x0A }
        bytes[bytes.count - 1] = 0x0A
        let expected = [UInt32(0)] + bytes.indices.filter { bytes[$0] == 0x0A }.map { UInt32($0 + 1) }
        #expect(LineIndex(bytes).lineStarts == expected)
        var withReturn = bytes
        withReturn[3 << 20] = 0x0D
        let expectedWithReturn = [UInt32(0)] + withReturn.indices.filter {
            withReturn[$0] == 0x0A || (withReturn[$0] == 0x0D && withReturn[$0 + 1] != 0x0A)
        }.map { UInt32($0 + 1) }
        #expect(LineIndex(withReturn).lineStarts == expectedWithReturn)
    }

    /// The parser keeps the line starts it meets between tokens; they must be the ones found by
    /// reading the bytes, whole or in pieces, or absent (a syntax error, a carriage return).
    @Test(arguments: files) func theParserMeetsEveryLineStart(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent(path)))
        let expected = LineIndex(bytes).lineStarts
        for pieces in [1, 2, 3, 4] {
            let doc = pieces == 1 ? JSONParser.parseSequential(bytes) : JSONParser.parse(bytes, pieces: pieces)
            if let starts = doc.lineStarts { #expect(starts == expected, "\(pieces) pieces") }
            #expect(LineIndex(doc).lineStarts == expected, "\(pieces) pieces")
            if doc.problems.isEmpty && !bytes.contains(0x0D) { #expect(doc.lineStarts != nil, "\(pieces) pieces") }
        }
    }

    /// The cursor counts columns from the last position, forward or back along the line, and
    /// must agree with counting from the line's start.
    @Test func theCursorAgreesWithCountingFromTheLineStart() {
        let text = Array((#"{"name": "café ☕", "x": [1, 2, 3]}  {"b": "é"}"# + "\nline two é\r\nthree").utf8)
        let index = LineIndex(text)
        var cursor = LineIndex.Cursor(index)
        var generator = SystemRandomNumberGenerator()
        var offsets = Array(0...text.count)
        offsets.shuffle(using: &generator)
        for offset in offsets {
            #expect(cursor.position(of: offset) == index.position(of: offset), "offset \(offset)")
        }
    }
}
