#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Parsing a large export on every core.
///
/// The input is cut right after line breaks: a raw line break cannot occur inside a valid JSON
/// string, so the byte after one is outside of strings, and pretty-printed exports have millions
/// of them. The first piece is parsed by the ordinary parser, stopping at its limit; each later
/// piece starts inside containers it never sees open, and records what it learns of them (whether
/// each is an object or an array, where it closes). Stitching then checks every assumption
/// against the state the pieces before left. Anything unusual — any problem in any piece, or a
/// piece that does not continue exactly where the one before stopped — sends the whole input
/// to the sequential parser, so messages, recovery and positions are exactly the sequential ones.
/// The result is the sequential parse node for node: tests compare the two on every split.
extension JSONParser {
    /// Below this a second thread costs more than it saves.
    static let parallelThreshold = 4 << 20
    static let minimumPieceSize = 2 << 20
    static let maximumPieces = 8
    static let processorCount = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// The input in `pieces` pieces regardless of its size (a test's entry), or in one when it
    /// cannot be cut or the pieces do not reproduce the sequential parse.
    static func parse(_ bytes: [UInt8], pieces: Int) -> JSONDocument {
        parseInPieces(bytes, splits: splitPoints(bytes, pieces: pieces)) ?? parseSequential(bytes)
    }

    /// Up to `pieces - 1` offsets near even divisions of the input, each just after a line
    /// break and before a line whose first token is a value or a closing bracket (a line that
    /// starts with ',' or ':' would need the piece to guess more). A minified file has none.
    static func splitPoints(_ bytes: [UInt8], pieces: Int) -> [Int] {
        guard pieces > 1 else { return [] }
        return bytes.withUnsafeBufferPointer { s -> [Int] in
            let n = s.count
            var splits: [Int] = []
            for k in 1..<pieces {
                var from = max(k * n / pieces, splits.last ?? 0)
                let windowEnd = (k + 1) * n / pieces
                while from < windowEnd, let found = memchr(s.baseAddress! + from, 0x0A, windowEnd - from) {
                    let split = UnsafeRawPointer(found) - UnsafeRawPointer(s.baseAddress!) + 1
                    var q = split
                    while q < n, s[q] == 0x20 || s[q] == 0x0A || s[q] == 0x0D || s[q] == 0x09 { q += 1 }
                    if q < n, startsPiece(s[q]) { splits.append(split); break }
                    from = split
                }
            }
            return splits
        }
    }

    static func startsPiece(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "}"), UInt8(ascii: "]"),
             UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return true
        default:
            return false
        }
    }

    /// The document parsed in pieces starting at `splits` (ascending, each just after a line
    /// break), one per core; nil when that is not exactly the sequential parse.
    static func parseInPieces(_ bytes: [UInt8], splits: [Int]) -> JSONDocument? {
        let n = bytes.count
        guard !splits.isEmpty, n < Int(UInt32.max) else { return nil }
        var previous = 0
        for split in splits {
            // Only just after a line break is a piece sure not to start inside a string.
            guard split > previous, split < n, bytes[split - 1] == 0x0A else { return nil }
            previous = split
        }
        let bounds = [0] + splits + [n]
        let count = bounds.count - 1
        var pieces = bytes.withUnsafeBufferPointer { s in
            ParallelMap.map(Array(0..<count)) { i -> ParserState in
                var state: ParserState
                if i == 0 {
                    // The first piece becomes the document's node array: it reserves for the
                    // whole input, as the sequential parser does, so the rest appends in place.
                    state = ParserState(count: s.count)
                    state.run(s, limit: bounds[1])
                } else {
                    state = ParserState(count: s.count, reserveFor: bounds[i + 1] - bounds[i])
                    state.runFragment(s, from: bounds[i], to: bounds[i + 1])
                }
                return state
            }
        }
        return stitch(bytes, &pieces)
    }

    /// Joins the pieces' nodes in order into the first piece's array, closing the containers each
    /// later piece closed for the pieces before it. Each piece's nodes are freed once appended,
    /// so at most one piece's copy exists beside the document's array.
    private static func stitch(_ bytes: [UInt8], _ pieces: inout [ParserState]) -> JSONDocument? {
        guard pieces.allSatisfy({ $0.problems.isEmpty && $0.isComplete && !$0.fragment.failed }) else { return nil }
        var nodes = pieces[0].nodes
        pieces[0].nodes = []
        var lineStarts: [UInt32]? = pieces.contains { $0.sawCarriageReturn } ? nil : [0] + pieces[0].lineStarts
        pieces[0].lineStarts = []
        var stack = pieces[0].stack
        var expect = pieces[0].stoppedExpecting
        var rootDone = pieces[0].stoppedAfterRoot
        let total = pieces.reduce(0) { $0 + $1.nodes.count } + nodes.count
        for i in 1..<pieces.count {
            let fragment = pieces[i].fragment
            guard let entry = fragment.entry else { continue }  // only whitespace
            // Before the root value or after it, a value would be the sequential parser's to judge.
            guard !rootDone, !stack.isEmpty else { return nil }
            switch entry {
            case .key: guard expect == .key || expect == .firstKeyOrClose else { return nil }
            case .value: guard expect == .value || expect == .firstElementOrClose else { return nil }
            case .close: guard expect == .commaOrClose || expect == .firstKeyOrClose || expect == .firstElementOrClose else { return nil }
            }
            // The kinds the piece inferred for the containers around it, innermost first.
            guard fragment.outerKinds.count <= stack.count else { return nil }
            for (level, kind) in fragment.outerKinds.enumerated() where nodes[stack[stack.count - 1 - level]].kind != kind {
                return nil
            }
            if nodes.capacity < total { nodes.reserveCapacity(total) }
            let offset = UInt32(nodes.count)
            for closer in fragment.closers {
                let index = stack.removeLast()
                nodes[index].end = closer.end
                nodes[index].subtreeEnd = offset + closer.nodeCount
            }
            if stack.isEmpty {
                // The root closed in this piece: nothing may follow it.
                guard !fragment.tokensAfterLastCloser else { return nil }
                rootDone = true
            }
            nodes.append(contentsOf: ShiftedNodes(nodes: pieces[i].nodes, shift: offset))
            pieces[i].nodes = []
            // A piece's look ahead past its end met line breaks the next piece meets again.
            if lineStarts != nil, let last = lineStarts!.last {
                lineStarts! += pieces[i].lineStarts.drop { $0 <= last }
            }
            pieces[i].lineStarts = []
            stack.append(contentsOf: pieces[i].stack.map { $0 + Int(offset) })
            if let stopped = fragment.stoppedExpecting {
                expect = stopped
            } else if let top = stack.last {
                // After a comma in a container the piece never saw: a key or a value by its kind.
                expect = nodes[top].kind == .object ? .key : .value
            }
        }
        guard rootDone, stack.isEmpty else { return nil }
        return JSONDocument(bytes: bytes, nodes: nodes, problems: [], isComplete: true, lineStarts: lineStarts)
    }
}

/// A later piece's nodes with their subtree ends moved past the nodes before the piece.
/// Appending them copies on every core: the copy is the one step after the pieces that does not
/// shrink with them (on two cores, a fifth of a 169 MB export's parse, mostly first touching
/// the pages). Array's append hands the sequence its free capacity through `_copyContents`;
/// were it ever not to, the iterator gives the same nodes one at a time.
struct ShiftedNodes: Sequence {
    let nodes: [JSONNode]
    let shift: UInt32

    struct Iterator: IteratorProtocol {
        let nodes: [JSONNode]
        let shift: UInt32
        var position: Int
        mutating func next() -> JSONNode? {
            guard position < nodes.count else { return nil }
            var node = nodes[position]
            node.subtreeEnd &+= shift
            position += 1
            return node
        }
    }

    var underestimatedCount: Int { nodes.count }
    func makeIterator() -> Iterator { Iterator(nodes: nodes, shift: shift, position: 0) }

    func _copyContents(initializing target: UnsafeMutableBufferPointer<JSONNode>) -> (Iterator, Int) {
        let count = Swift.min(target.count, nodes.count)
        nodes.withUnsafeBufferPointer { source in
            let copy = Copy(source: source, target: target, shift: shift, count: count)
            let chunks = count >= 1 << 16 ? Swift.min(JSONParser.processorCount, JSONParser.maximumPieces) : 1
            if chunks == 1 { copy.run(0..<count); return }
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                copy.run(c * count / chunks..<(c + 1) * count / chunks)
            }
        }
        return (Iterator(nodes: nodes, shift: shift, position: count), count)
    }

    /// Each task initializes its own range of the target.
    private struct Copy: @unchecked Sendable {
        let source: UnsafeBufferPointer<JSONNode>
        let target: UnsafeMutableBufferPointer<JSONNode>
        let shift: UInt32
        let count: Int

        func run(_ range: Range<Int>) {
            for j in range {
                var node = source[j]
                node.subtreeEnd &+= shift
                (target.baseAddress! + j).initialize(to: node)
            }
        }
    }
}

/// What a piece after the first learned about the containers that enclose its start.
struct Fragment {
    enum Entry { case key, value, close }
    /// How the piece's first token fits the state the piece before stopped in; nil when the piece
    /// holds only whitespace.
    var entry: Entry?
    /// The kind of each enclosing container the piece met, innermost first: from its closing
    /// bracket, or from a key (an object) or an element (an array) after a comma in it.
    var outerKinds: [JSONKind] = []
    /// The closing of enclosing containers, in order: the offset after the bracket and the
    /// piece's node count at that point.
    var closers: [(end: UInt32, nodeCount: UInt32)] = []
    var tokensAfterLastCloser = false
    /// What the piece expected at its limit; nil after a comma in an enclosing container of
    /// unknown kind (a key in an object, a value in an array).
    var stoppedExpecting: ParserState.Expect? = .value
    /// The piece met something the sequential parser would have to judge (an error, or a state
    /// it cannot infer); the input is then parsed sequentially.
    var failed = false
}

extension ParserState {
    /// Parses the values starting in `start..<limit`, a piece that starts just after a line break
    /// at an unknown depth. Only well-formed JSON is followed: anything else fails the piece.
    /// The steps mirror `run`'s, with enclosing containers of not yet known kind; strings,
    /// numbers and literals are read by the same functions, over the whole input.
    mutating func runFragment(_ s: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int) {
        enum Step { case entry, value, firstElementOrClose, firstKeyOrClose, key, colon, commaOrClose, keyOrValue }
        let n = s.count
        var p = start
        var step = Step.entry

        func fail(_ state: inout ParserState) { state.fragment.failed = true }

        /// Records the kind of the enclosing container the piece is in; false if it contradicts
        /// what the piece knew of it.
        func enclosing(is kind: JSONKind, _ state: inout ParserState) -> Bool {
            let level = state.fragment.closers.count
            if state.fragment.outerKinds.count == level { state.fragment.outerKinds.append(kind); return true }
            return state.fragment.outerKinds[level] == kind
        }

        /// Whether the string ending at `end` is followed by ':', i.e. is a key.
        func isKey(_ end: Int, _ state: inout ParserState) -> Bool {
            let q = state.skipWhitespace(s, end)
            return q < n && s[q] == UInt8(ascii: ":")
        }

        /// `""name"` makes the sequential parser repair a doubled quote.
        func doubledQuote(_ p: Int, _ end: Int) -> Bool { end == p + 2 && end < n && isIdentifierByte(s[end]) }

        while !fragment.failed {
            p = skipWhitespace(s, p)
            if p >= limit { break }
            let c = s[p]
            fragment.tokensAfterLastCloser = true
            switch step {
            case .entry:
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    fragment.entry = .close
                    step = .commaOrClose  // closes an enclosing container, below
                } else if c == UInt8(ascii: "\"") {
                    guard let end = string(s, p, quoteByte: c) else { fail(&self); break }
                    if isKey(end, &self) {
                        guard !doubledQuote(p, end), enclosing(is: .object, &self) else { fail(&self); break }
                        fragment.entry = .key
                        step = .colon
                    } else {
                        fragment.entry = .value
                        step = .commaOrClose
                    }
                    p = end
                } else if startsValue(c) {
                    fragment.entry = .value
                    step = .value
                } else {
                    fail(&self)
                }
            case .value, .firstElementOrClose:
                if step == .firstElementOrClose && c == UInt8(ascii: "]") {
                    close(at: p); p += 1; step = .commaOrClose
                    continue
                }
                switch c {
                case UInt8(ascii: "{"): push(.object, at: p); p += 1; step = .firstKeyOrClose
                case UInt8(ascii: "["): push(.array, at: p); p += 1; step = .firstElementOrClose
                case UInt8(ascii: "\""):
                    guard let end = string(s, p, quoteByte: c) else { fail(&self); break }
                    p = end; step = .commaOrClose
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard let end = number(s, p) else { fail(&self); break }
                    p = end; step = .commaOrClose
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    // Any word but true, false and null is reported, which fails the piece.
                    p = literal(s, p); step = .commaOrClose
                default:
                    fail(&self)
                }
            case .firstKeyOrClose, .key:
                if c == UInt8(ascii: "}") && step == .firstKeyOrClose {
                    close(at: p); p += 1; step = .commaOrClose
                    continue
                }
                guard c == UInt8(ascii: "\""), let end = string(s, p, quoteByte: c), !doubledQuote(p, end) else { fail(&self); break }
                p = end; step = .colon
            case .colon:
                guard c == UInt8(ascii: ":") else { fail(&self); break }
                p += 1; step = .value
            case .commaOrClose:
                let isCloser = c == UInt8(ascii: "}") || c == UInt8(ascii: "]")
                if let top = stack.last {
                    let inObject = nodes[top].kind == .object
                    if c == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        close(at: p); p += 1; step = .commaOrClose
                        continue
                    }
                    guard c == UInt8(ascii: ",") else { fail(&self); break }
                    // A bracket after the comma is a trailing comma or a missing value: reported.
                    let next = skipWhitespace(s, p + 1)
                    guard next >= n || (s[next] != UInt8(ascii: "}") && s[next] != UInt8(ascii: "]")) else { fail(&self); break }
                    p += 1; step = inObject ? .key : .value
                } else if isCloser {
                    // The end of a container opened before this piece.
                    guard enclosing(is: c == UInt8(ascii: "}") ? .object : .array, &self) else { fail(&self); break }
                    fragment.closers.append((UInt32(p + 1), UInt32(nodes.count)))
                    fragment.tokensAfterLastCloser = false
                    p += 1; step = .commaOrClose
                } else {
                    guard c == UInt8(ascii: ",") else { fail(&self); break }
                    let next = skipWhitespace(s, p + 1)
                    guard next >= n || (s[next] != UInt8(ascii: "}") && s[next] != UInt8(ascii: "]")) else { fail(&self); break }
                    p += 1
                    let level = fragment.closers.count
                    if level < fragment.outerKinds.count {
                        step = fragment.outerKinds[level] == .object ? .key : .value
                    } else {
                        step = .keyOrValue
                    }
                }
            case .keyOrValue:
                // After a comma in an enclosing container of unknown kind: a string followed by
                // ':' is a key, so the container is an object; any other value makes it an array.
                if c == UInt8(ascii: "\"") {
                    guard let end = string(s, p, quoteByte: c) else { fail(&self); break }
                    if isKey(end, &self) {
                        guard !doubledQuote(p, end), enclosing(is: .object, &self) else { fail(&self); break }
                        step = .colon
                    } else {
                        guard enclosing(is: .array, &self) else { fail(&self); break }
                        step = .commaOrClose
                    }
                    p = end
                } else if startsValue(c) {
                    guard enclosing(is: .array, &self) else { fail(&self); break }
                    step = .value
                } else {
                    fail(&self)
                }
            }
        }
        switch step {
        case .entry, .value: fragment.stoppedExpecting = .value
        case .firstElementOrClose: fragment.stoppedExpecting = .firstElementOrClose
        case .firstKeyOrClose: fragment.stoppedExpecting = .firstKeyOrClose
        case .key: fragment.stoppedExpecting = .key
        case .colon: fragment.stoppedExpecting = .colon
        case .commaOrClose: fragment.stoppedExpecting = .commaOrClose
        case .keyOrValue: fragment.stoppedExpecting = nil
        }
    }
}
