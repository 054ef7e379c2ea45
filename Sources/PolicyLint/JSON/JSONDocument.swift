#if canImport(Glibc)
import Glibc
#endif

/// The kinds of JSON value.
enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null
}

/// One value of a parsed document. Nodes are stored flat, in document order: a container is
/// followed by its children (an object's as key, value, key, value…), and `subtreeEnd` is the
/// index of the first node after it. Strings and numbers stay byte ranges of the input.
struct JSONNode: Sendable {
    var kind: JSONKind
    /// Bit 0: the string has escapes. Bit 1: the container was cut short by a syntax error.
    /// Bit 2: the number is not valid RFC 8259 (leading zero, NaN…), kept to keep checking.
    /// Bit 3: a template's unquoted placeholder (`{{ x }}`), a string node whose text is the
    /// placeholder as written; it also carries bit 0, so every fast path that reads a string's
    /// bytes between its quotes takes the decoding one instead (`string(_:)`).
    var flags: UInt8
    /// Byte offset of the value's first byte (the quote of a string).
    var start: UInt32
    /// Byte offset just after the value.
    var end: UInt32
    /// Index of the first node after this value and its children.
    var subtreeEnd: UInt32

    static let hasEscapes: UInt8 = 1
    static let truncated: UInt8 = 2
    static let invalidNumber: UInt8 = 4
    static let placeholder: UInt8 = 8

    var isTruncated: Bool { flags & Self.truncated != 0 }
    var isPlaceholder: Bool { flags & Self.placeholder != 0 }
}

/// A syntax or encoding problem found while parsing, at a byte offset of the input.
struct JSONProblem: Sendable, Equatable {
    enum Kind: Sendable { case syntax, encoding }
    var kind: Kind
    var offset: Int
    var endOffset: Int
    var message: String
}

/// A parsed JSON document: the input bytes, its nodes, and what was wrong with it.
struct JSONDocument: Sendable {
    let bytes: [UInt8]
    var nodes: [JSONNode]
    var problems: [JSONProblem]
    /// False when a syntax error stopped the parser before the end of the input.
    var isComplete: Bool
    /// The offset where each line starts, as the parser met the line breaks (in valid JSON every
    /// one is whitespace between tokens); nil when it cannot vouch for them (a syntax error, a
    /// carriage return). Spares a pass over a large export to place its findings.
    var lineStarts: [UInt32]? = nil
    /// Read as a template (TemplateReader): it held template syntax outside strings, whose
    /// placeholders are opaque values.
    var isTemplate = false

    var root: Int? { nodes.isEmpty ? nil : 0 }

    func kind(_ node: Int) -> JSONKind { nodes[node].kind }

    /// The byte range of a value (a string's includes its quotes).
    func range(_ node: Int) -> Range<Int> { Int(nodes[node].start)..<Int(nodes[node].end) }

    /// The children of a container: an array's elements, or an object's keys and values alternating.
    func children(_ node: Int) -> ChildSequence {
        ChildSequence(nodes: nodes, first: node + 1, end: Int(nodes[node].subtreeEnd))
    }

    /// An object's members as (key node, value node) pairs.
    func members(_ object: Int) -> MemberSequence {
        MemberSequence(nodes: nodes, first: object + 1, end: Int(nodes[object].subtreeEnd))
    }

    func elements(_ array: Int) -> ChildSequence { children(array) }

    func count(_ container: Int) -> Int {
        var n = 0
        for _ in children(container) { n += 1 }
        return nodes[container].kind == .object ? n / 2 : n
    }

    /// The value of the member named `key`, the last one if the key is repeated (as NSX keeps).
    func member(_ object: Int, _ key: String) -> Int? {
        guard nodes[object].kind == .object else { return nil }
        var found: Int?
        for (k, v) in members(object) where stringEquals(k, key) { found = v }
        return found
    }

    /// Whether an object has a member of this name, its keys compared as bytes.
    func hasMember(_ object: Int, _ key: StaticString) -> Bool {
        guard nodes[object].kind == .object else { return false }
        for (k, _) in members(object) where decodedLength(k) == key.utf8CodeUnitCount && rawStringIs(k, key) { return true }
        return false
    }

    /// Compares a string node with a Swift string without decoding when it has no escapes.
    /// Hot (every member lookup by name): the lengths are compared first, then the bytes with
    /// memcmp, so a miss costs a few instructions and no String is made.
    func stringEquals(_ node: Int, _ text: String) -> Bool {
        let n = nodes[node]
        guard n.kind == .string else { return false }
        if n.flags & JSONNode.hasEscapes != 0 { return string(node) == text }
        let length = Int(n.end) - Int(n.start) - 2
        var text = text
        guard text.utf8.count == length else { return false }
        return text.withUTF8 { textBytes in rawBytesEqual(Int(n.start) + 1, textBytes) }
    }

    /// Whether a string node without escapes holds exactly these bytes (a key compared with a
    /// name known at compile time: no String is made or hashed).
    @inline(__always)
    func rawStringIs(_ node: Int, _ name: StaticString) -> Bool {
        let n = nodes[node]
        guard n.kind == .string else { return false }
        if n.flags & JSONNode.hasEscapes != 0 { return string(node) == name.description }
        guard Int(n.end) - Int(n.start) - 2 == name.utf8CodeUnitCount else { return false }
        return rawBytesEqual(Int(n.start) + 1, UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// The length in UTF-8 bytes of a key (a string node) once decoded: its raw length unless
    /// it has escapes. Lets a loop over members dispatch on the length before comparing bytes.
    @inline(__always)
    func decodedLength(_ node: Int) -> Int {
        let n = nodes[node]
        if n.flags & JSONNode.hasEscapes != 0 { return string(node).utf8.count }
        return Int(n.end) - Int(n.start) - 2
    }

    /// Whether a string node starts with these bytes, decoded only when it has escapes.
    @inline(__always)
    func rawStringHasPrefix(_ node: Int, _ prefix: StaticString) -> Bool {
        let n = nodes[node]
        guard n.kind == .string else { return false }
        if n.flags & JSONNode.hasEscapes != 0 { return string(node).hasPrefix(prefix.description) }
        guard Int(n.end) - Int(n.start) - 2 >= prefix.utf8CodeUnitCount else { return false }
        return rawBytesEqual(Int(n.start) + 1, UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    }

    /// The input bytes at `offset` equal `other` (the caller has checked the length fits).
    @inline(__always)
    func rawBytesEqual(_ offset: Int, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !other.isEmpty else { return true }
        return bytes.withUnsafeBufferPointer { b in memcmp(b.baseAddress! + offset, other.baseAddress!, other.count) == 0 }
    }

    /// `hashText` of a string node's decoded text, from its bytes when it has no escapes.
    func stringHash(_ node: Int) -> UInt64 {
        let n = nodes[node]
        guard n.kind == .string else { return hashText("") }
        if n.flags & JSONNode.hasEscapes != 0 { return hashText(string(node)) }
        let start = Int(n.start) + 1, count = max(0, Int(n.end) - Int(n.start) - 2)
        return bytes.withUnsafeBytes { all in hashBytes(UnsafeRawBufferPointer(rebasing: all[start..<start + count])) }
    }

    /// The decoded text of a string node.
    func string(_ node: Int) -> String {
        let n = nodes[node]
        guard n.kind == .string else { return "" }
        let contentStart = Int(n.start) + 1
        let contentEnd = max(contentStart, Int(n.end) - 1)
        if n.flags & JSONNode.hasEscapes == 0 {
            return String(decoding: bytes[contentStart..<contentEnd], as: UTF8.self)
        }
        if n.isPlaceholder { return String(decoding: bytes[range(node)], as: UTF8.self) }
        return JSONStringDecoder.decode(bytes[contentStart..<contentEnd])
    }

    /// The string value of a node, or nil when it is not a string.
    func stringValue(_ node: Int) -> String? { nodes[node].kind == .string ? string(node) : nil }

    /// The number's text as written, for messages and exact comparisons.
    func numberText(_ node: Int) -> String {
        String(decoding: bytes[range(node)], as: UTF8.self)
    }

    /// The number as a Double (±infinity beyond its range); nil when not a valid number.
    func double(_ node: Int) -> Double? {
        guard nodes[node].kind == .number, nodes[node].flags & JSONNode.invalidNumber == 0 else { return nil }
        // Integers of up to 15 digits (sequence numbers, ports, times) are exact in a Double:
        // read from the bytes, without making a String for Double(_:) to parse.
        let r = range(node)
        if r.count <= 16 {
            var value = 0, digits = 0, negative = false
            var plain = true
            for i in r {
                let b = bytes[i]
                if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { value = value * 10 + Int(b - UInt8(ascii: "0")); digits += 1 }
                else if i == r.lowerBound && b == UInt8(ascii: "-") { negative = true }
                else { plain = false; break }
            }
            if plain && digits > 0 && digits <= 15 { return negative ? -Double(value) : Double(value) }
        }
        return Double(numberText(node))
    }

    /// True for a number written without fraction or exponent (what NSX calls an integer).
    func isIntegerLiteral(_ node: Int) -> Bool {
        guard nodes[node].kind == .number, nodes[node].flags & JSONNode.invalidNumber == 0 else { return false }
        for i in range(node) where bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") {
            return false
        }
        return true
    }

    func bool(_ node: Int) -> Bool? {
        switch nodes[node].kind {
        case .true: return true
        case .false: return false
        default: return nil
        }
    }

    /// Index of each node's parent container (-1 for the root), built only when needed
    /// to name findings.
    func parentIndex() -> [Int32] {
        var parents = [Int32](repeating: -1, count: nodes.count)
        var stack: [Int] = []
        for i in nodes.indices {
            while let top = stack.last, Int(nodes[top].subtreeEnd) <= i { stack.removeLast() }
            if let top = stack.last { parents[i] = Int32(top) }
            if nodes[i].kind == .object || nodes[i].kind == .array { stack.append(i) }
        }
        return parents
    }
}

struct ChildSequence: Sequence, IteratorProtocol {
    let nodes: [JSONNode]
    var next_: Int
    let end: Int
    init(nodes: [JSONNode], first: Int, end: Int) { self.nodes = nodes; self.next_ = first; self.end = end }
    mutating func next() -> Int? {
        guard next_ < end else { return nil }
        defer { next_ = Int(nodes[next_].subtreeEnd) }
        return next_
    }
}

struct MemberSequence: Sequence, IteratorProtocol {
    var children: ChildSequence
    init(nodes: [JSONNode], first: Int, end: Int) { children = ChildSequence(nodes: nodes, first: first, end: end) }
    mutating func next() -> (key: Int, value: Int)? {
        guard let key = children.next() else { return nil }
        // A truncated object may end on a key without a value.
        guard let value = children.next() else { return nil }
        return (key, value)
    }
}

enum JSONStringDecoder {
    /// Decodes the content of a string literal (between its quotes), replacing what cannot be
    /// decoded with U+FFFD; the parser has already reported it. Decodes into UTF-8 bytes and
    /// makes one String at the end: rule packs hold thousands of escaped strings (examples), and
    /// appending scalar by scalar to a String was most of the start-up time. An escape always
    /// yields a whole scalar, so repairing invalid UTF-8 once over the whole buffer replaces the
    /// same bytes as repairing each raw run on its own.
    static func decode(_ content: ArraySlice<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(content.count)
        func append(_ scalar: Unicode.Scalar) {
            for unit in UTF8.encode(scalar)! { utf8.append(unit) }
        }
        var i = content.startIndex
        while i < content.endIndex {
            let b = content[i]
            guard b == UInt8(ascii: "\\"), i + 1 < content.endIndex else { utf8.append(b); i += 1; continue }
            let e = content[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                guard let unit = hex4(content, i) else { append("\u{FFFD}"); continue }
                i += 4
                if (0xD800..<0xDC00).contains(unit), i + 1 < content.endIndex, content[i] == UInt8(ascii: "\\"),
                   content[i + 1] == UInt8(ascii: "u"), let low = hex4(content, i + 2), (0xDC00..<0xE000).contains(low) {
                    i += 6
                    append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}")
                } else {
                    append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
            default: append(Unicode.Scalar(e))
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    static func hex4(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= bytes.endIndex else { return nil }
        var value: UInt32 = 0
        for i in at..<at + 4 {
            guard let digit = hexDigit(bytes[i]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    static func hexDigit(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
