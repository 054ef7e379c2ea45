import Testing
@testable import PolicyLint

func parse(_ text: String) -> JSONDocument { JSONParser.parse(Array(text.utf8)) }

func firstProblem(_ text: String) -> (SourcePosition, String)? {
    let bytes = Array(text.utf8)
    let doc = JSONParser.parse(bytes)
    guard let p = doc.problems.first else { return nil }
    return (LineIndex(bytes).position(of: p.offset), p.message)
}

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesEveryKindOfValueWithRanges() {
        let doc = parse(#"{"a": [1, -2.5e3, "x\n", true, false, null], "b": {}}"#)
        #expect(doc.problems.isEmpty)
        #expect(doc.kind(0) == .object)
        let a = doc.member(0, "a")!
        #expect(doc.count(a) == 6)
        let elements = Array(doc.elements(a))
        #expect(doc.double(elements[1]) == -2500)
        #expect(doc.string(elements[2]) == "x\n")
        #expect(doc.kind(elements[5]) == .null)
        #expect(doc.count(doc.member(0, "b")!) == 0)
        #expect(doc.range(a) == 6..<43)
    }

    @Test func decodesEscapesAndSurrogatePairs() {
        let doc = parse(#"["\u00e9\ud83d\ude00\"\\\/\b\f\r\t"]"#)
        #expect(doc.problems.isEmpty)
        #expect(doc.string(1) == "é😀\"\\/\u{08}\u{0C}\r\t")
    }

    @Test func acceptsAByteOrderMark() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8)
        let doc = JSONParser.parse(bytes)
        #expect(doc.problems.isEmpty)
        #expect(LineIndex(bytes).position(of: 4) == SourcePosition(line: 1, column: 2))
    }

    @Test("syntax errors are found at their exact place, with a hint",
          arguments: [
            ("{\"a\": 1 \"b\": 2}", 1, 9, "missing ','"),
            ("{\"a\": 1,}", 1, 8, "trailing ','"),
            ("[1, 2,]", 1, 6, "trailing ','"),
            ("{\"a\": 01}", 1, 7, "leading zeros"),
            ("{\"a\": NaN}", 1, 7, "'NaN' is not a JSON number"),
            ("{\"a\": -Infinity}", 1, 7, "'-Infinity' is not a JSON number"),
            ("{'a': 1}", 1, 2, "single quotes"),
            ("{\"a\": 1} // note", 1, 10, "comments"),
            ("{\"a\": \"x\\q\"}", 1, 9, "invalid escape"),
            ("{\"a\": \"abc\n}", 1, 7, "unterminated string"),
            ("{ \"\"a\": 1}", 1, 4, "doubled '\"'"),
            ("{\"a\": 1}}", 1, 9, "unbalanced"),
            ("{\"a\": [1, 2}", 1, 12, "expected ',' or ']'"),
            ("{\"a\": True}", 1, 7, "JSON writes it 'true'"),
            ("{\"a\": \"\u{01}\"}", 1, 8, "control character"),
            ("", 1, 1, "no JSON value"),
            ("{\"a\": 1", 1, 8, "unexpected end of input"),
            ("{\"a\": 1.}", 1, 9, "expected a digit"),
          ] as [(String, Int, Int, String)])
    func syntaxError(_ input: String, _ line: Int, _ column: Int, _ hint: String) throws {
        let (position, message) = try #require(firstProblem(input))
        #expect(position == SourcePosition(line: line, column: column), "\(message)")
        #expect(message.contains(hint), "\(message)")
    }

    /// The unclosed bracket is named by line and column, counted as every finding counts them
    /// (Unicode scalars, "\r\n" one line break, a byte order mark no column): one path reads the
    /// parser's own line starts, the other (a '\r', or an earlier problem) counts from the start.
    @Test("an unclosed bracket is named by line and column, not by byte",
          arguments: [
            ("{\"a\": 1", "the '{' at line 1, column 1"),
            ("{\n  \"name\": \"x\",\n  \"b\": [1,\n", "the '[' at line 3, column 8"),
            // "é" and "😀" are two and four bytes but one column each: byte 11 is column 8.
            ("{\"é\": \"😀\", \"b\": {\"c\": 1}", "the '{' at line 1, column 1"),
            ("[\"é😀\", {\"c\": 1", "the '{' at line 1, column 8"),
            ("{\"a\": \"é\",\n \"ü\": {\"c\": 1}", "the '{' at line 1, column 1"),
            ("[1,\n \"ü😀\", [2", "the '[' at line 2, column 8"),
            // CRLF files: each "\r\n" is one line break.
            ("{\r\n  \"a\": 1,\r\n  \"b\": {\r\n    \"c\": 1\r\n", "the '{' at line 3, column 8"),
            ("[\r\n \"é\", [\r\n", "the '[' at line 2, column 7"),
            // An earlier problem (a trailing comma) makes the parser count from the start.
            ("{\"a\": [1,],\n \"é\": [\n", "the '[' at line 2, column 7"),
            // A byte order mark is not a column.
            ("\u{FEFF}[1, [2", "the '[' at line 1, column 5"),
          ] as [(String, String)])
    func unclosedBracketPosition(_ input: String, _ expected: String) throws {
        let bytes = Array(input.utf8)
        let problem = try #require(JSONParser.parse(bytes).problems.last)
        let closer = expected.contains("'{'") ? "}" : "]"
        #expect(problem.message == "unexpected end of input: expected '\(closer)' to close \(expected) (unbalanced brackets)")
        #expect(!problem.message.contains("byte"))
    }

    @Test func aMessageSaysWhereAnUnclosedBracketIsAsTheReportCountsIt() throws {
        // The opener's line and column in the message are the ones a finding there would show.
        let input = "{\r\n  \"naïve\": \"é\",\r\n  \"list\": [\"😀\", {\"x\": 1}\r\n"
        let bytes = Array(input.utf8)
        let opener = try #require(bytes.firstIndex(of: UInt8(ascii: "[")))
        let position = LineIndex(bytes).position(of: opener)
        #expect(position == SourcePosition(line: 3, column: 11))
        let message = try #require(JSONParser.parse(bytes).problems.last?.message)
        #expect(message.contains("the '[' at line 3, column 11"), "\(message)")
    }

    @Test func theOneShotCountAgreesWithTheLineIndex() {
        let inputs = ["", "a\nb", "a\r\nb\rc\n\nd", "\u{FEFF}é\n😀x\r\n\r", "\r\n", "x\r"]
        for input in inputs {
            let bytes = Array(input.utf8)
            let index = LineIndex(bytes)
            bytes.withUnsafeBufferPointer { s in
                for offset in 0...bytes.count {
                    #expect(LineIndex.position(in: s, of: offset) == index.position(of: offset), "\(input.debugDescription) at \(offset)")
                }
            }
        }
    }

    @Test func recoversFromAMissingCommaAndKeepsEveryMember() {
        let doc = parse("{\"a\": 1\n \"b\": 2,\n \"c\": [1 2]}")
        #expect(doc.problems.count == 2)
        #expect(doc.isComplete)
        #expect(doc.member(0, "b").flatMap(doc.double) == 2)
        #expect(doc.count(doc.member(0, "c")!) == 2)
    }

    @Test func stopsAtAnAmbiguousErrorAndMarksTheDocumentIncomplete() {
        let doc = parse(#"{"a": {"b": 1 : 2}}"#)
        #expect(!doc.isComplete)
        #expect(doc.nodes[0].isTruncated)
        #expect(doc.member(doc.member(0, "a")!, "b").flatMap(doc.double) == 1)
    }

    @Test func reportsInvalidUTF8WithItsByteOffsetAndGoesOn() {
        let bytes: [UInt8] = Array(#"{"a": "x"#.utf8) + [0xFF] + Array(#"", "b": "\#u{00e9}"}"#.utf8)
        let doc = JSONParser.parse(bytes)
        #expect(doc.problems.count == 1)
        #expect(doc.problems[0].kind == .encoding)
        #expect(doc.problems[0].offset == 8)
        #expect(doc.problems[0].message.contains("byte offset 8"))
        #expect(doc.member(0, "b").map(doc.string) == "é")
    }

    @Test("rejects overlong forms, surrogates and truncated sequences",
          arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]] as [[UInt8]])
    func invalidUTF8(_ sequence: [UInt8]) {
        let doc = JSONParser.parse([UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")])
        #expect(doc.problems.contains { $0.kind == .encoding })
    }

    @Test func survivesAMillionLevelsOfNesting() {
        let depth = 1_000_000
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
        let doc = JSONParser.parse(bytes)
        #expect(doc.problems.isEmpty)
        #expect(doc.nodes.count == depth)
        #expect(Int(doc.nodes[0].subtreeEnd) == depth)
    }

    @Test func keepsHugeNumbersAsTextAndComparesThemSafely() {
        let doc = parse("[123456789012345678901234567890, 1e400]")
        #expect(doc.problems.isEmpty)
        #expect(doc.double(1)! > 1e29)
        #expect(doc.double(2) == .infinity)
        #expect(doc.numberText(1) == "123456789012345678901234567890")
    }
}

@Suite("Line index")
struct LineIndexTests {
    @Test func countsLinesForLFAndCRLFAndLoneCR() {
        let bytes = Array("a\nb\r\nc\rd".utf8)
        let index = LineIndex(bytes)
        #expect(index.position(of: 2) == SourcePosition(line: 2, column: 1))
        #expect(index.position(of: 5) == SourcePosition(line: 3, column: 1))
        #expect(index.position(of: 7) == SourcePosition(line: 4, column: 1))
        #expect(index.lineRange(1) == 2..<3)
    }

    @Test func countsColumnsInCharactersNotBytes() {
        let bytes = Array("\"日本\": 1".utf8)
        #expect(LineIndex(bytes).position(of: bytes.count - 1) == SourcePosition(line: 1, column: 7))
    }
}
