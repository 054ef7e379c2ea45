/// A JSON value as a tree, for the small messages a front end exchanges (the language server's
/// JSON-RPC), read with the linter's own parser. Documents being linted never become trees: the
/// engine reads them from `JSONDocument`'s flat nodes.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in the order written.
    case object([(key: String, value: JSONValue)])

    /// The value of a complete, valid JSON text; nil for anything else.
    public init?(parsing bytes: [UInt8]) {
        let doc = JSONParser.parse(bytes)
        guard doc.isComplete, doc.problems.isEmpty, let root = doc.root else { return nil }
        self = Self.tree(doc, root)
    }

    private static func tree(_ doc: JSONDocument, _ node: Int) -> JSONValue {
        switch doc.kind(node) {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(doc.double(node) ?? 0)
        case .string: return .string(doc.string(node))
        case .array: return .array(doc.elements(node).map { tree(doc, $0) })
        case .object: return .object(doc.members(node).map { (doc.string($0.key), tree(doc, $0.value)) })
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var number: Double? { if case .number(let d) = self { d } else { nil } }
    /// A whole number that fits an Int (a JSON-RPC id, an LSP position).
    public var int: Int? {
        guard case .number(let d) = self, d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// Compact JSON text: keys in the order written, strings escaped as every report does (no
    /// control character of an input survives raw).
    public var text: String {
        var out = JSONText(pretty: false)
        write(&out)
        return out.text
    }

    private func write(_ out: inout JSONText) {
        switch self {
        case .null: out.null()
        case .bool(let b): out.bool(b)
        case .number(let d): out.number(d)
        case .string(let s): out.string(s)
        case .array(let values): out.array { out in for value in values { value.write(&out) } }
        case .object(let members): out.object { out in for (key, value) in members { out.key(key); value.write(&out) } }
        }
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
                     ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements.map { (key: $0.0, value: $0.1) }) }
}
