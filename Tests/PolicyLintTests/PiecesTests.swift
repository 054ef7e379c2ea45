import Foundation
import Testing
@testable import PolicyLint

/// A large document is scanned and checked in pieces on every core (Linter.lint(bundle:)). The
/// pieces must not change a single finding: each test file is linted whole and cut into as many
/// pieces as it allows, and the reports must be equal.
@Suite("Documents in pieces")
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
