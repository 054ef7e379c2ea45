#if canImport(Glibc)
import Glibc
#endif

/// A byte-level RFC 8259 parser into a flat `JSONDocument`.
///
/// It never recurses (any nesting depth is safe), keeps byte offsets for every value, reports
/// invalid UTF-8 and syntax errors with a hint, and after a mistake whose repair is unambiguous
/// (a missing or trailing comma, a comment, a bad escape, a leading zero…) goes on parsing.
enum JSONParser {
    /// More problems than this in one file add nothing for the reader.
    static let problemLimit = 50

    static func parse(_ bytes: [UInt8]) -> JSONDocument {
        guard bytes.count < Int(UInt32.max) else {
            return JSONDocument(bytes: bytes, nodes: [], problems: [
                JSONProblem(kind: .syntax, offset: 0, endOffset: 0, message: "the file is larger than 4 GiB, which policylint does not read")
            ], isComplete: false)
        }
        // A large export is parsed in pieces on every core (JSONParser+Pieces.swift); anything
        // the pieces cannot reproduce exactly (an error, a minified file) is parsed in one go.
        if bytes.count >= parallelThreshold {
            let pieces = min(processorCount, maximumPieces, bytes.count / minimumPieceSize)
            if pieces > 1, let doc = parseInPieces(bytes, splits: splitPoints(bytes, pieces: pieces)) { return doc }
        }
        return parseSequential(bytes)
    }

    /// The whole input in one pass on the calling thread: the reference the pieces must match.
    static func parseSequential(_ bytes: [UInt8]) -> JSONDocument {
        var state = ParserState(count: bytes.count)
        state.lineStarts.append(0)
        bytes.withUnsafeBufferPointer { state.run($0) }
        return JSONDocument(bytes: bytes, nodes: state.nodes, problems: state.problems, isComplete: state.isComplete,
                            lineStarts: state.vouchedLineStarts)
    }
}

private let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
private let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
private let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
private let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":"), minus = UInt8(ascii: "-")
private let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

/// Describes the byte at an offset for a message: `'}'`, `U+00A0`, or `end of input`.
func describeByte(_ input: UnsafeBufferPointer<UInt8>, _ p: Int) -> String {
    guard p < input.count else { return "end of input" }
    let b = input[p]
    if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
    if b < 0x80 { return "U+" + hex(UInt32(b), width: 4) }
    if let length = utf8SequenceLength(input, p) {
        let scalar = String(decoding: UnsafeBufferPointer(rebasing: input[p..<p + length]), as: UTF8.self).unicodeScalars.first!
        return "U+" + hex(scalar.value, width: 4)
    }
    return "byte 0x" + hex(UInt32(b), width: 2)
}

/// A letter, digit or underscore: a bare word's byte (a literal, a key written without quotes,
/// a template's name).
func isIdentifierByte(_ c: UInt8) -> Bool {
    (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") || c == UInt8(ascii: "_") || (zero...nine).contains(c)
}

func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// The length of the valid UTF-8 sequence starting at `p` (a byte ≥ 0x80), or nil.
func utf8SequenceLength(_ s: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int? {
    let n = s.count
    let b0 = s[p]
    func cont(_ i: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool { i < n && s[i] >= lo && s[i] <= hi }
    switch b0 {
    case 0xC2...0xDF: return cont(p + 1) ? 2 : nil
    case 0xE0: return cont(p + 1, 0xA0) && cont(p + 2) ? 3 : nil
    case 0xE1...0xEC, 0xEE...0xEF: return cont(p + 1) && cont(p + 2) ? 3 : nil
    case 0xED: return cont(p + 1, 0x80, 0x9F) && cont(p + 2) ? 3 : nil
    case 0xF0: return cont(p + 1, 0x90) && cont(p + 2) && cont(p + 3) ? 4 : nil
    case 0xF1...0xF3: return cont(p + 1) && cont(p + 2) && cont(p + 3) ? 4 : nil
    case 0xF4: return cont(p + 1, 0x80, 0x8F) && cont(p + 2) && cont(p + 3) ? 4 : nil
    default: return nil
    }
}

/// Eight input bytes as one little-endian word (byte `p` lowest).
@inline(__always)
private func load8(_ s: UnsafeBufferPointer<UInt8>, _ p: Int) -> UInt64 {
    UInt64(littleEndian: UnsafeRawPointer(s.baseAddress! + p).loadUnaligned(as: UInt64.self))
}

/// The high bit of each byte of `w` that is the quote, a backslash, a control character (< 0x20)
/// or not ASCII (≥ 0x80). The classic SWAR tests ("has zero byte", "has byte less than") may
/// flag bytes above a flagged one by a borrow, but never below it: the lowest flag is exact.
@inline(__always)
private func specialBytes(_ w: UInt64, quotes: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    let q = w ^ quotes, b = w ^ 0x5C5C_5C5C_5C5C_5C5C
    let isQuote = (q &- ones) & ~q
    let isBackslash = (b &- ones) & ~b
    let isControl = (w &- 0x2020_2020_2020_2020) & ~w
    return (isQuote | isBackslash | isControl | w) & highs
}

struct ParserState {
    var nodes: [JSONNode] = []
    var problems: [JSONProblem] = []
    var isComplete = true
    /// Open containers, innermost last.
    var stack: [Int] = []
    /// The offset after each '\n' met between tokens, in order (a look ahead meets some twice);
    /// `sawCarriageReturn`: a '\r' was met, whose line breaks LineIndex counts itself.
    var lineStarts: [UInt32] = []
    var sawCarriageReturn = false

    /// The line starts, when they are all of the input's: the parse met no problem (every line
    /// break of valid JSON is whitespace between tokens) and no carriage return.
    var vouchedLineStarts: [UInt32]? {
        problems.isEmpty && isComplete && !sawCarriageReturn ? lineStarts : nil
    }

    var lastLineStart: UInt32 = 0

    /// Where an offset already read is, as reports count it: from the line starts met so far
    /// when they are all there (no problem yet, so every line break was whitespace between
    /// tokens, and no '\r'), else counted from the start of the input. For a message that names
    /// another place than its own; it is on the error path, so the count costs little either way.
    func position(_ s: UnsafeBufferPointer<UInt8>, of offset: Int) -> SourcePosition {
        guard problems.isEmpty, !sawCarriageReturn, lineStarts.first == 0 else { return LineIndex.position(in: s, of: offset) }
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if Int(lineStarts[mid]) <= offset { low = mid } else { high = mid - 1 }
        }
        return LineIndex.position(in: s, of: offset, line: low, lineStart: Int(lineStarts[low]))
    }

    @inline(__always)
    mutating func lineBreak(after p: Int) {
        let start = UInt32(truncatingIfNeeded: p + 1)
        if start > lastLineStart { lineStarts.append(start); lastLineStart = start }
    }
    /// Where a first piece stopped at its limit: what it expected next, and whether the root
    /// value was already complete (JSONParser+Pieces.swift).
    var stoppedExpecting = Expect.value
    var stoppedAfterRoot = false
    /// What a later piece found of the containers around it (JSONParser+Pieces.swift).
    var fragment = Fragment()

    enum Expect { case value, firstElementOrClose, firstKeyOrClose, key, colon, commaOrClose }

    /// The input's length: a problem's range never ends past it.
    let count: Int

    init(count: Int, reserveFor length: Int? = nil) {
        self.count = count
        // Real exports average one value per 10–20 bytes, and a line per 30–40; reserving
        // avoids most regrowth.
        nodes.reserveCapacityInHugePages((length ?? count) / 12 + 16)
        lineStarts.reserveCapacityInHugePages((length ?? count) / 32 + 16)
    }

    /// A problem at one byte; at the end of the input (`-` and nothing more), an empty range
    /// there. It was one byte past the end, found by the fuzzer (testdata/regressions).
    mutating func problem(_ offset: Int, _ message: String) { problem(offset, min(offset + 1, count), message) }

    mutating func problem(_ offset: Int, _ end: Int, _ message: String, kind: JSONProblem.Kind = .syntax) {
        guard problems.count < JSONParser.problemLimit else { return }
        problems.append(JSONProblem(kind: kind, offset: offset, endOffset: end, message: message))
    }

    /// Parses the values that start before `limit` (the whole input unless this is the first of
    /// several pieces: then it stops there with its state, not at an end of input).
    mutating func run(_ s: UnsafeBufferPointer<UInt8>, limit: Int? = nil) {
        let n = s.count
        let limit = limit ?? n
        var p = 0
        if n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF { p = 3 }  // a UTF-8 byte order mark
        // A UTF-16 or UTF-32 byte order mark: the file is not UTF-8 at all, and reading it byte
        // by byte would only report a confusing syntax error at its first NUL.
        if let width = foreignByteOrderMark(s) {
            problem(0, min(n, width == 32 ? 4 : 2),
                    "the file starts with a UTF-\(width) byte order mark: JSON must be UTF-8 (RFC 8259 section 8.1); convert it, e.g. with 'iconv -f UTF-\(width) -t UTF-8'",
                    kind: .encoding)
            isComplete = false
            return
        }
        var expect = Expect.value
        var rootDone = false

        /// Stops parsing: every open container ends here, marked as cut short.
        func abandon(_ state: inout ParserState, at offset: Int) {
            state.isComplete = false
            for index in state.stack {
                state.nodes[index].flags |= JSONNode.truncated
                state.nodes[index].end = UInt32(offset)
                state.nodes[index].subtreeEnd = UInt32(state.nodes.count)
            }
            state.stack.removeAll()
        }

        while true {
            p = skipWhitespace(s, p)
            if p >= limit {
                if limit < n { stoppedExpecting = expect; stoppedAfterRoot = rootDone; return }
                if rootDone { return }
                if nodes.isEmpty {
                    problem(0, 0, "the file holds no JSON value")
                } else if let open = stack.last {
                    let closer = nodes[open].kind == .object ? "}" : "]"
                    let opener = nodes[open].kind == .object ? "{" : "["
                    let at = position(s, of: Int(nodes[open].start))
                    problem(n, n, "unexpected end of input: expected '\(closer)' to close the '\(opener)' at line \(at.line), column \(at.column) (unbalanced brackets)")
                }
                abandon(&self, at: n)
                return
            }
            if rootDone {
                let c = s[p]
                let hint = (c == closeBrace || c == closeBracket) ? " (unbalanced brackets: one more closing than opening)" : ""
                problem(p, "unexpected \(describeByte(s, p)) after the end of the JSON value\(hint)")
                return
            }
            let c = s[p]
            switch expect {
            case .value, .firstElementOrClose:
                if expect == .firstElementOrClose && c == closeBracket {
                    close(at: p); p += 1
                    expect = finishValue(&rootDone)
                    continue
                }
                switch c {
                case openBrace:
                    push(.object, at: p); p += 1; expect = .firstKeyOrClose
                case openBracket:
                    push(.array, at: p); p += 1; expect = .firstElementOrClose
                case quote:
                    guard let end = string(s, p, quoteByte: quote) else { abandon(&self, at: p); return }
                    p = end; expect = finishValue(&rootDone)
                case UInt8(ascii: "'"):
                    problem(p, "strings must be in double quotes, not single quotes")
                    guard let end = string(s, p, quoteByte: UInt8(ascii: "'")) else { abandon(&self, at: p); return }
                    p = end; expect = finishValue(&rootDone)
                case minus, zero...nine:
                    guard let end = number(s, p) else { abandon(&self, at: p); return }
                    p = end; expect = finishValue(&rootDone)
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    p = literal(s, p); expect = finishValue(&rootDone)
                case closeBrace, closeBracket:
                    problem(p, "expected a value, found \(describeByte(s, p))")
                    abandon(&self, at: p); return
                default:
                    problem(p, "expected a value, found \(describeByte(s, p))")
                    abandon(&self, at: p); return
                }
            case .firstKeyOrClose, .key:
                if c == closeBrace && expect == .firstKeyOrClose {
                    close(at: p); p += 1; expect = finishValue(&rootDone); continue
                }
                if c == quote {
                    guard let end = string(s, p, quoteByte: quote) else { abandon(&self, at: p); return }
                    // `""name"`: a doubled quote before a key. Read the key from the second quote.
                    if end == p + 2, end < n, isIdentifierByte(s[end]) {
                        problem(p + 1, "a doubled '\"' before the key; remove one")
                        nodes.removeLast()
                        guard let fixedEnd = string(s, p + 1, quoteByte: quote) else { abandon(&self, at: p); return }
                        p = fixedEnd
                    } else {
                        p = end
                    }
                    expect = .colon
                } else if c == UInt8(ascii: "'") {
                    problem(p, "keys must be in double quotes, not single quotes")
                    guard let end = string(s, p, quoteByte: UInt8(ascii: "'")) else { abandon(&self, at: p); return }
                    p = end; expect = .colon
                } else if c == openBrace && expect == .key && stack.count >= 2 && nodes[stack[stack.count - 2]].kind == .array {
                    // `{"name": "x}", {` — the object was never closed before the next element.
                    // Closing it at the comma is the only reading that goes on.
                    let commaOffset = lastComma(s, before: p)
                    if let last = nodes.last, last.kind == .string, last.end >= 2, s[Int(last.end) - 2] == closeBrace {
                        problem(Int(last.end) - 2, "the '}' and '\"' look swapped: this string swallows the '}' that should close the object")
                    } else {
                        problem(commaOffset, "missing '}' before ',': the object is not closed before the next element")
                    }
                    close(at: commaOffset - 1)
                    expect = .value
                } else {
                    let hint = isIdentifierByte(c) ? " (keys must be strings in double quotes)" : ""
                    problem(p, "expected a key in double quotes, found \(describeByte(s, p))\(hint)")
                    abandon(&self, at: p); return
                }
            case .colon:
                if c == colon { p += 1; expect = .value; continue }
                problem(p, "expected ':' after the key, found \(describeByte(s, p))")
                abandon(&self, at: p); return
            case .commaOrClose:
                let top = stack[stack.count - 1]
                let inObject = nodes[top].kind == .object
                let closer = inObject ? closeBrace : closeBracket
                if c == closer {
                    close(at: p); p += 1; expect = finishValue(&rootDone); continue
                }
                if c == comma {
                    let next = skipWhitespace(s, p + 1)
                    if next < n && (s[next] == closer) {
                        problem(p, "trailing ',' before '\(inObject ? "}" : "]")'; remove it")
                        close(at: next); p = next + 1; expect = finishValue(&rootDone); continue
                    }
                    p += 1
                    expect = inObject ? .key : .value
                    continue
                }
                if inObject && (c == quote || c == UInt8(ascii: "'")) {
                    problem(p, "missing ',' between members: expected ',' or '}' after the value, found \(describeByte(s, p))")
                    expect = .key; continue
                }
                if !inObject && startsValue(c) {
                    problem(p, "missing ',' between elements: expected ',' or ']' after the value, found \(describeByte(s, p))")
                    expect = .value; continue
                }
                if isIdentifierByte(c), let previous = nodes.last, previous.kind == .string, Int(previous.end) == p {
                    problem(p - 1, "a stray '\"' ends this string early")
                } else {
                    problem(p, "expected ',' or '\(inObject ? "}" : "]")', found \(describeByte(s, p))")
                }
                abandon(&self, at: p); return
            }
        }
    }

    /// 16 or 32 when the input starts with a UTF-16 or UTF-32 byte order mark.
    func foreignByteOrderMark(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = s.count
        if n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF { return 32 }
        if n >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0 { return 32 }
        if n >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) || (s[0] == 0xFF && s[1] == 0xFE)) { return 16 }
        return nil
    }

    func lastComma(_ s: UnsafeBufferPointer<UInt8>, before p: Int) -> Int {
        var i = p - 1
        while i > 0 && s[i] != comma { i -= 1 }
        return i
    }

    func startsValue(_ c: UInt8) -> Bool {
        switch c {
        case quote, openBrace, openBracket, minus, zero...nine, UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return true
        default: return false
        }
    }

    mutating func push(_ kind: JSONKind, at p: Int) {
        stack.append(nodes.count)
        nodes.append(JSONNode(kind: kind, flags: 0, start: UInt32(p), end: 0, subtreeEnd: 0))
    }

    mutating func close(at p: Int) {
        let index = stack.removeLast()
        nodes[index].end = UInt32(p + 1)
        nodes[index].subtreeEnd = UInt32(nodes.count)
    }

    /// After a complete value: the next thing expected.
    func finishValue(_ rootDone: inout Bool) -> Expect {
        if stack.isEmpty { rootDone = true; return .value }
        return .commaOrClose
    }

    mutating func leaf(_ kind: JSONKind, _ start: Int, _ end: Int, flags: UInt8 = 0) {
        let index = UInt32(nodes.count)
        nodes.append(JSONNode(kind: kind, flags: flags, start: UInt32(start), end: UInt32(end), subtreeEnd: index + 1))
    }

    /// Skips whitespace, and comments with a finding (they are not JSON but unambiguous to skip).
    /// Inlined check first: most tokens follow another directly (`":`, `",`), and the call
    /// itself cost more than the test.
    @inline(__always)
    mutating func skipWhitespace(_ s: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        if start < s.count, s[start] > 0x20, s[start] != UInt8(ascii: "/") { return start }
        // The space after a colon, then the value.
        if start + 1 < s.count, s[start] == 0x20, s[start + 1] > 0x20, s[start + 1] != UInt8(ascii: "/") { return start + 1 }
        return skipWhitespaceRun(s, start)
    }

    mutating func skipWhitespaceRun(_ s: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var p = start
        let n = s.count
        // A line break and the next line's indentation, the usual run of a pretty-printed
        // export, without going round the general loop for each part.
        if p < n, s[p] == 0x0A {
            lineBreak(after: p)
            p += 1
            while p + 8 <= n {
                let x = load8(s, p) ^ 0x2020_2020_2020_2020
                if x != 0 { p += x.trailingZeroBitCount >> 3; break }
                p += 8
            }
            if p < n, s[p] > 0x20, s[p] != UInt8(ascii: "/") { return p }
        }
        while p < n {
            let c = s[p]
            if c == 0x20 {
                // Indentation: pretty-printed exports are one third spaces, so runs are skipped
                // eight bytes at a time (the first byte that is not a space ends the run).
                p += 1
                while p + 8 <= n {
                    let x = load8(s, p) ^ 0x2020_2020_2020_2020
                    if x != 0 { p += x.trailingZeroBitCount >> 3; break }
                    p += 8
                }
                continue
            }
            if c == 0x0A { lineBreak(after: p); p += 1; continue }
            if c == 0x0D || c == 0x09 { sawCarriageReturn = sawCarriageReturn || c == 0x0D; p += 1; continue }
            if c == UInt8(ascii: "/") && p + 1 < n && (s[p + 1] == UInt8(ascii: "/") || s[p + 1] == UInt8(ascii: "*")) {
                problem(p, p + 2, "comments are not allowed in JSON; move the remark into a field or the configuration file")
                if s[p + 1] == UInt8(ascii: "/") {
                    while p < n && s[p] != 0x0A && s[p] != 0x0D { p += 1 }
                } else {
                    p += 2
                    while p + 1 < n && !(s[p] == UInt8(ascii: "*") && s[p + 1] == UInt8(ascii: "/")) { p += 1 }
                    p = min(n, p + 2)
                }
                continue
            }
            break
        }
        return p
    }

    /// Parses a string starting at its opening quote; returns the offset after the closing
    /// quote, or nil when the string never ends (on this line).
    mutating func string(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, quoteByte: UInt8) -> Int? {
        let n = s.count
        var p = start + 1
        var flags: UInt8 = 0
        let quotes = UInt64(quoteByte) &* 0x0101_0101_0101_0101
        while p < n {
            // Plain bytes (printable ASCII other than the quote and the backslash) are skipped
            // eight at a time; the first byte that needs a look is found exactly (see
            // `specialBytes`), and handled one at a time below.
            while p + 8 <= n {
                let special = specialBytes(load8(s, p), quotes: quotes)
                if special != 0 { p += special.trailingZeroBitCount >> 3; break }
                p += 8
            }
            guard p < n else { break }
            let c = s[p]
            if c == quoteByte { leaf(.string, start, p + 1, flags: flags); return p + 1 }
            if c >= 0x20 && c < 0x80 && c != backslash { p += 1; continue }
            if c == backslash {
                flags |= JSONNode.hasEscapes
                guard p + 1 < n else { break }
                let e = s[p + 1]
                switch e {
                case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    p += 2
                case UInt8(ascii: "u"):
                    var digits = 0
                    while digits < 4 && p + 2 + digits < n && JSONStringDecoder.hexDigit(s[p + 2 + digits]) != nil { digits += 1 }
                    if digits < 4 {
                        problem(p, p + 2 + digits, "invalid escape: '\\u' needs four hexadecimal digits")
                        p += 2 + digits
                        continue
                    }
                    // RFC 8259's grammar allows any four digits, but section 8.2 warns that a
                    // surrogate not in a high+low pair names no character: decoders disagree
                    // (replace, reject, keep), so what the server stores is unknown. It is an
                    // encoding error here; a pair is one character.
                    let unit = hex4(s, p + 2)
                    if (0xD800...0xDBFF).contains(unit), p + 12 <= n, s[p + 6] == backslash, s[p + 7] == UInt8(ascii: "u"),
                       (0..<4).allSatisfy({ JSONStringDecoder.hexDigit(s[p + 8 + $0]) != nil }), (0xDC00...0xDFFF).contains(hex4(s, p + 8)) {
                        p += 12
                        continue
                    }
                    if (0xD800...0xDFFF).contains(unit) {
                        let half = unit < 0xDC00 ? "high" : "low"
                        problem(p, p + 6, "lone surrogate '\\u\(hex(unit, width: 4))': a UTF-16 \(half) surrogate without its pair names no character (RFC 8259 section 8.2); write the character itself, or both halves of its pair", kind: .encoding)
                    }
                    p += 6
                default:
                    problem(p, p + 2, "invalid escape '\\\(e >= 0x21 && e < 0x7F ? String(Character(Unicode.Scalar(e))) : describeByte(s, p + 1))'; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
                    // A line break ends the string (reported there). A non-ASCII character is
                    // skipped whole: stepping into the middle of it would report its
                    // continuation bytes as invalid UTF-8; an invalid byte is left to the
                    // UTF-8 check below.
                    if e == 0x0A || e == 0x0D { p += 1 } else if e >= 0x80 { p += 1 + (utf8SequenceLength(s, p + 1) ?? 0) } else { p += 2 }
                }
                continue
            }
            if c == 0x0A || c == 0x0D { break }  // a raw line break: the string is unterminated
            if c < 0x20 {
                problem(p, "control character \(describeByte(s, p)) in a string must be escaped")
                p += 1
                continue
            }
            if let length = utf8SequenceLength(s, p) {
                p += length
            } else {
                problem(p, p + 1, "invalid UTF-8: byte 0x\(hex(UInt32(c), width: 2)) at byte offset \(p)", kind: .encoding)
                p += 1
            }
        }
        problem(start, p, "unterminated string: no closing '\(quoteByte == quote ? "\"" : "'")' on this line")
        return nil
    }

    /// The value of four hexadecimal digits the caller has checked.
    func hex4(_ s: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in at..<at + 4 { value = value << 4 | UInt32(JSONStringDecoder.hexDigit(s[i]) ?? 0) }
        return value
    }

    /// Parses a number; leading zeros, a lone '-' and '-Infinity' are reported and kept as
    /// invalid numbers so that checking goes on.
    mutating func number(_ s: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        let n = s.count
        var p = start
        var flags: UInt8 = 0
        func digits(_ p: inout Int) -> Int {
            let from = p
            while p < n && s[p] >= zero && s[p] <= nine { p += 1 }
            return p - from
        }
        if s[p] == minus {
            p += 1
            if p < n && s[p] == UInt8(ascii: "I") {
                let end = literalEnd(s, p)
                problem(start, end, "'-\(String(decoding: UnsafeBufferPointer(rebasing: s[p..<end]), as: UTF8.self))' is not a JSON number")
                leaf(.number, start, end, flags: JSONNode.invalidNumber)
                return end
            }
        }
        if p < n && s[p] == zero && p + 1 < n && s[p + 1] >= zero && s[p + 1] <= nine {
            problem(p, "leading zeros are not allowed in JSON numbers")
            flags |= JSONNode.invalidNumber
        }
        if digits(&p) == 0 {
            problem(p, "expected a digit, found \(describeByte(s, p))")
            return nil
        }
        if p < n && s[p] == UInt8(ascii: ".") {
            p += 1
            if digits(&p) == 0 { problem(p, "expected a digit after '.', found \(describeByte(s, p))"); return nil }
        }
        if p < n && (s[p] | 0x20) == UInt8(ascii: "e") {
            p += 1
            if p < n && (s[p] == UInt8(ascii: "+") || s[p] == minus) { p += 1 }
            if digits(&p) == 0 { problem(p, "expected a digit in the exponent, found \(describeByte(s, p))"); return nil }
        }
        leaf(.number, start, p, flags: flags)
        return p
    }

    func literalEnd(_ s: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var p = start
        while p < s.count && isIdentifierByte(s[p]) { p += 1 }
        return p
    }

    /// `true`, `false`, `null`; any other bare word is reported and kept as null.
    mutating func literal(_ s: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        let end = literalEnd(s, start)
        // The three valid words are compared as bytes: making a String of each cost more than
        // the rest of parsing the literal.
        func word(_ w: StaticString) -> Bool {
            end - start == w.utf8CodeUnitCount && memcmp(s.baseAddress! + start, w.utf8Start, end - start) == 0
        }
        if word("true") { leaf(.true, start, end); return end }
        if word("false") { leaf(.false, start, end); return end }
        if word("null") { leaf(.null, start, end); return end }
        let word = String(decoding: UnsafeBufferPointer(rebasing: s[start..<end]), as: UTF8.self)
        switch word {
        case "true": leaf(.true, start, end)
        case "false": leaf(.false, start, end)
        case "null": leaf(.null, start, end)
        case "NaN", "Infinity":
            problem(start, end, "'\(word)' is not a JSON number")
            leaf(.number, start, end, flags: JSONNode.invalidNumber)
        default:
            let suggestion: String
            switch word.lowercased() {
            case "true": suggestion = " (JSON writes it 'true')"
            case "false": suggestion = " (JSON writes it 'false')"
            case "null", "none", "nil", "undefined": suggestion = " (JSON writes it 'null')"
            default: suggestion = " (strings must be in double quotes)"
            }
            problem(start, end, "'\(word)' is not a JSON value\(suggestion)")
            leaf(.null, start, end)
        }
        return end
    }
}
