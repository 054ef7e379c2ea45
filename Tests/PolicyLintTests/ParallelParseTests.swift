import Foundation
import Testing
@testable import PolicyLint

/// The first difference between two parses (every field of every node, the problems and
/// completeness), or nil when they are the same.
func parseDifference(_ a: JSONDocument, _ b: JSONDocument) -> String? {
    if a.isComplete != b.isComplete { return "isComplete \(a.isComplete) vs \(b.isComplete)" }
    if a.problems != b.problems { return "problems \(a.problems) vs \(b.problems)" }
    if a.nodes.count != b.nodes.count { return "\(a.nodes.count) nodes vs \(b.nodes.count)" }
    for (i, (x, y)) in zip(a.nodes, b.nodes).enumerated()
    where x.kind != y.kind || x.flags != y.flags || x.start != y.start || x.end != y.end || x.subtreeEnd != y.subtreeEnd {
        return "node \(i): \(x) vs \(y)"
    }
    return nil
}

/// Offsets just after each line break, where the parser may start a piece.
func lineStarts(_ bytes: [UInt8]) -> [Int] {
    bytes.indices.filter { bytes[$0] == 0x0A && $0 + 1 < bytes.count }.map { $0 + 1 }
}

/// Whether a well-formed document must parse in pieces at `split`: the next token is one a piece
/// may start with, and the root value started before it. Holding the parser to it keeps a
/// change from passing these tests by always falling back to the sequential parse.
func mustSplit(_ bytes: [UInt8], at split: Int, _ sequential: JSONDocument) -> Bool {
    guard sequential.problems.isEmpty, sequential.isComplete, let root = sequential.root else { return false }
    var q = split
    while q < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[q]) { q += 1 }
    return q < bytes.count && JSONParser.startsPiece(bytes[q]) && q > Int(sequential.nodes[root].start)
}

/// Parses `bytes` cut at `splits` and checks the result is the sequential parse exactly.
func expectSameInPieces(_ bytes: [UInt8], splits: [Int], _ sequential: JSONDocument, _ name: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    guard let doc = JSONParser.parseInPieces(bytes, splits: splits) else {
        if splits.allSatisfy({ mustSplit(bytes, at: $0, sequential) }) {
            Issue.record("\(name): fell back to the sequential parse at \(splits)", sourceLocation: sourceLocation)
        }
        return
    }
    if let difference = parseDifference(doc, sequential) {
        Issue.record("\(name) cut at \(splits): \(difference)", sourceLocation: sourceLocation)
    }
}

/// Random pretty-printed documents, laid out in every way the pieces have to cope with: keys
/// and values on separate lines, commas first, colons on the next line, empty containers over
/// two lines, CRLF, blank lines, strings full of brackets, quotes and colons.
struct PrettyJSONGenerator {
    var rng: SplitMix64
    var newline = "\n"
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let strings = [
        #""""#, #""a""#, #""{""#, #""}""#, #""[""#, #""]""#, #""}, {""#, #""], [""#, #"":""#, #"",""#,
        #""say \"hi\": [1, 2]""#, #""\\""#, #""\\\"""#, #""line\nbreak""#, #""é ü 日本""#, #""\u00e9\ud83d\ude00""#,
        #""{\"k\": \"v\"}""#, #""  \"  ""#, #""\/path\/x""#, #""a\": [1""#, #""\"\n}\n""#, #""resource_type""#,
    ]
    static let scalars = ["0", "-1", "3.14", "1e10", "-0.5E-3", "12345678901234567890", "true", "false", "null"]

    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }

    mutating func document(depth: Int = 5) -> String {
        newline = chance(15) ? "\r\n" : "\n"
        var out = chance(10) ? newline : ""
        write(depth: depth, indent: 0, into: &out, isRoot: true)
        if chance(50) { out += newline }
        if chance(10) { out += newline + "  " + newline }
        return out
    }

    mutating func write(depth: Int, indent: Int, into out: inout String, isRoot: Bool = false) {
        let kind = isRoot ? (chance(80) ? 0 : 1) : (depth <= 0 ? 2 : Int(rng.next() % 5))
        switch kind {
        case 0: container(object: true, depth: depth, indent: indent, into: &out)
        case 1: container(object: false, depth: depth, indent: indent, into: &out)
        case 2, 3: out += chance(50) ? pick(Self.strings) : pick(Self.scalars)
        default: container(object: chance(50), depth: depth - 1, indent: indent, into: &out)
        }
    }

    mutating func container(object: Bool, depth: Int, indent: Int, into out: inout String) {
        let count = chance(15) ? 0 : Int(rng.next() % 6) + 1
        let multiline = chance(85)
        let (open, close) = object ? ("{", "}") : ("[", "]")
        out += open
        if count == 0 {
            if multiline && chance(50) { out += newline + pad(indent) }
            out += close
            return
        }
        let commaFirst = multiline && chance(10)
        let inner = indent + 2
        for i in 0..<count {
            if multiline {
                out += newline
                if chance(5) { out += newline }
                out += pad(inner)
                if i > 0 && commaFirst { out += ", " }
            } else if i > 0 {
                out += " "
            }
            if object {
                out += pick(Self.strings)
                switch rng.next() % 10 {
                case 0 where multiline: out += newline + pad(inner) + ": "  // the colon on the next line
                case 1 where multiline: out += ":" + newline + pad(inner + 2)  // the value on the next line
                default: out += ": "
                }
            }
            write(depth: depth - 1, indent: inner, into: &out)
            if i < count - 1 && !commaFirst { out += "," }
        }
        if multiline { out += newline + pad(indent) }
        out += close
    }

    func pad(_ n: Int) -> String { String(repeating: " ", count: n) }
}

@Suite("JSON parser in pieces")
struct ParallelParseTests {
    static let corpus: [String] = ["testdata/conformance", "testdata/seeds", "testdata/samples"].flatMap { folder in
        let url = Golden.root.appendingPathComponent(folder)
        let files = FileManager.default.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".json") }.map { folder + "/" + $0 }
    }.sorted()

    @Test func theCorpusIsThere() {
        #expect(Self.corpus.count > 200)
    }

    @Test("a corpus file parses in 2, 3 and 4 pieces, and cut at any line, exactly as in one piece", arguments: corpus)
    func corpusFile(_ path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Golden.root.appendingPathComponent(path)))
        let sequential = JSONParser.parseSequential(bytes)
        for pieces in 2...4 {
            let doc = JSONParser.parse(bytes, pieces: pieces)
            #expect(parseDifference(doc, sequential) == nil, "\(path) in \(pieces) pieces")
        }
        // Every line start, or 200 spread over a long file.
        let starts = lineStarts(bytes)
        let step = max(1, starts.count / 200)
        for i in stride(from: 0, to: starts.count, by: step) {
            expectSameInPieces(bytes, splits: [starts[i]], sequential, path)
        }
        if starts.count >= 3 {
            expectSameInPieces(bytes, splits: [starts[starts.count / 3], starts[2 * starts.count / 3]], sequential, path)
        }
    }

    @Test("a generated document parses the same cut at any one or two line starts", arguments: 0..<60)
    func generated(_ seed: Int) {
        var generator = PrettyJSONGenerator(seed: UInt64(seed))
        let bytes = Array(generator.document(depth: seed % 3 == 0 ? 3 : 5).utf8)
        let sequential = JSONParser.parseSequential(bytes)
        #expect(sequential.problems.isEmpty, "the generator wrote invalid JSON: \(sequential.problems)")
        let starts = lineStarts(bytes)
        for split in starts {
            expectSameInPieces(bytes, splits: [split], sequential, "seed \(seed)")
        }
        // Pairs of cuts: all of them in small documents, a spread in larger ones.
        let step = max(1, starts.count / 25)
        for i in stride(from: 0, to: starts.count, by: step) {
            for j in stride(from: i + 1, to: starts.count, by: step) {
                expectSameInPieces(bytes, splits: [starts[i], starts[j]], sequential, "seed \(seed)")
            }
        }
        for pieces in 2...4 {
            let doc = JSONParser.parse(bytes, pieces: pieces)
            #expect(parseDifference(doc, sequential) == nil, "seed \(seed) in \(pieces) pieces")
        }
    }

    @Test("a damaged document falls back and reports exactly what the sequential parse does", arguments: 0..<40)
    func damaged(_ seed: Int) {
        var generator = PrettyJSONGenerator(seed: UInt64(1000 + seed))
        var bytes = Array(generator.document().utf8)
        let starts = lineStarts(bytes)
        guard !starts.isEmpty else { return }
        let at = starts[Int(generator.rng.next() % UInt64(starts.count))]
        let damage: [UInt8]
        switch seed % 8 {
        case 0: damage = Array("// a remark\n".utf8)
        case 1: damage = Array("/* a\n remark */".utf8)
        case 2: damage = Array("\"unterminated\n".utf8)
        case 3: damage = Array("}".utf8)
        case 4: damage = Array(",".utf8)
        case 5: damage = Array("]\n[".utf8)
        case 6: damage = Array("\"k\": \"v\",\n".utf8)
        default: damage = []; bytes.removeSubrange(at..<min(bytes.count, at + 7))
        }
        bytes.insert(contentsOf: damage, at: at)
        let sequential = JSONParser.parseSequential(bytes)
        for split in lineStarts(bytes) {
            let doc = JSONParser.parseInPieces(bytes, splits: [split]) ?? JSONParser.parseSequential(bytes)
            #expect(parseDifference(doc, sequential) == nil, "seed \(seed) cut at \(split)")
        }
        for pieces in 2...4 {
            #expect(parseDifference(JSONParser.parse(bytes, pieces: pieces), sequential) == nil, "seed \(seed) in \(pieces) pieces")
        }
    }

    @Test("edge cases at the cut", arguments: [
        "[\n1,\n2,\n3\n]",
        "[\n[\n[\n[\n1\n]\n]\n]\n]\n",
        "{\n\"a\": {\n\"b\": {\n}\n}\n}",
        "{\"a\":\n[\n]\n}",
        "[\n{\n},\n[\n]\n]",
        "{\n\"a\"\n:\n1\n}",
        "[1\n,2\n,3]",
        "\n\n\n42\n",
        "\n\n[\n1\n]\n\n",
        "{}\n\n}",
        "{}\n{}",
        "[\n1\n]\n2",
        "[\n1,\n]",
        "{\n\"a\": 1,\n}",
        "{\n\"a\": 1\n\"b\": 2\n}",
        "{\n\"a\" 1\n}",
        "[\n\"x\":\n1\n]",
        "{\n\"a\": 1,\n2\n}",
        "[\n1\n}",
        "{\n\"a\": 1\n]",
        "[\n\"a\",\n\"b\"\n]",
        "{\"k\": [\n\"x\"\n], \"b\":\n\"y\", \"c\": 1}",
        "[\n\"\"x\"\n]",
        "{\n\"\"x\": 1\n}",
        "[\n  /* c */ 1\n]",
        "[\n1 // c\n]",
        "[\n\"a\nb\"\n]",
        "{\n\"a\": NaN,\n\"b\": 1\n}",
        "[\nTrue\n]",
        "[\n'a'\n]",
        "[\n01\n]",
        "[\n1\n",
        "{\n\"a\": [\n1\n",
        "   \n  \n",
    ])
    func edgeCase(_ text: String) {
        let bytes = Array(text.utf8)
        let sequential = JSONParser.parseSequential(bytes)
        let starts = lineStarts(bytes)
        for split in starts {
            expectSameInPieces(bytes, splits: [split], sequential, text.debugDescription)
            let doc = JSONParser.parseInPieces(bytes, splits: [split]) ?? JSONParser.parseSequential(bytes)
            #expect(parseDifference(doc, sequential) == nil, "\(text.debugDescription) cut at \(split)")
        }
        for i in starts.indices {
            for j in starts.indices where j > i {
                let doc = JSONParser.parseInPieces(bytes, splits: [starts[i], starts[j]]) ?? JSONParser.parseSequential(bytes)
                #expect(parseDifference(doc, sequential) == nil, "\(text.debugDescription) cut at \(starts[i]), \(starts[j])")
            }
        }
    }

    @Test func refusesACutThatIsNotAfterALineBreak() {
        let bytes = Array("[\"a b\", \"c\"]\n".utf8)
        #expect(JSONParser.parseInPieces(bytes, splits: [3]) == nil)
        #expect(JSONParser.parseInPieces(bytes, splits: [bytes.count]) == nil)
        #expect(JSONParser.parseInPieces(bytes, splits: []) == nil)
    }

    @Test func cutsNearEvenDivisionsAtLinesThatStartWithAValueOrABracket() {
        let text = "{\n" + (0..<100).map { "  \"k\($0)\": [\n    \($0)\n  ]" }.joined(separator: ",\n") + "\n}\n"
        let bytes = Array(text.utf8)
        let splits = JSONParser.splitPoints(bytes, pieces: 4)
        #expect(splits.count == 3)
        for (k, split) in splits.enumerated() {
            #expect(bytes[split - 1] == 0x0A)
            #expect(abs(split - (k + 1) * bytes.count / 4) < 40)
        }
        // A minified document has no line to cut at.
        #expect(JSONParser.splitPoints(Array("[1, 2, [3, {\"a\": 4}]]\n".utf8), pieces: 2).isEmpty)
        // Lines starting with ',' are skipped.
        let commaFirst = Array("[\n1\n, 2\n, 3\n]".utf8)
        #expect(JSONParser.splitPoints(commaFirst, pieces: 2).allSatisfy { commaFirst[$0] != UInt8(ascii: ",") })
    }

    @Test func aLargeExportIsCutAndParsesExactlyAsInOnePiece() {
        var generator = PrettyJSONGenerator(seed: 7)
        var text = "{\n  \"children\": ["
        var first = true
        while text.utf8.count < JSONParser.parallelThreshold + (1 << 20) {
            text += (first ? "\n    " : ",\n    ") + generator.document(depth: 4).replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            first = false
        }
        text += "\n  ]\n}\n"
        let bytes = Array(text.utf8)
        let sequential = JSONParser.parseSequential(bytes)
        #expect(sequential.problems.isEmpty)
        let splits = JSONParser.splitPoints(bytes, pieces: 2)
        #expect(splits.count == 1)
        #expect(JSONParser.parseInPieces(bytes, splits: splits) != nil)
        #expect(parseDifference(JSONParser.parse(bytes), sequential) == nil)
        #expect(parseDifference(JSONParser.parse(bytes, pieces: 4), sequential) == nil)
    }
}

@Suite("Shifted nodes")
struct ShiftedNodesTests {
    /// Enough nodes to be copied on several cores, and a few: every node moved, none lost.
    @Test(arguments: [3, 200_001])
    func appendingMovesEverySubtreeEnd(_ count: Int) {
        let source = (0..<count).map { (i: Int) -> JSONNode in
            JSONNode(kind: .number, flags: 0, start: UInt32(i), end: UInt32(i + 1), subtreeEnd: UInt32(i + 1))
        }
        var nodes = [JSONNode(kind: .array, flags: 0, start: 0, end: 0, subtreeEnd: 0)]
        nodes.append(contentsOf: ShiftedNodes(nodes: source, shift: 1))
        #expect(nodes.count == count + 1)
        let misplaced = nodes.indices.dropFirst().first { (i: Int) -> Bool in
            Int(nodes[i].subtreeEnd) != i + 1 || Int(nodes[i].start) != i - 1
        }
        #expect(misplaced == nil)
        // One at a time, as a Sequence that is not appended.
        let oneByOne: [UInt32] = Array(IteratorSequence(ShiftedNodes(nodes: source, shift: 5).makeIterator())).map(\.subtreeEnd)
        #expect(oneByOne == source.map { $0.subtreeEnd + 5 })
    }
}
