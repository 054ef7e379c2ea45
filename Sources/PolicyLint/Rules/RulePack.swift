/// What a rule pack declares: rules (identity, level, documentation, examples) and types
/// (how to recognise an object and the constraints on its fields).
public struct RulePack: Sendable {
    public var name: String
    public var rules: [RuleDescription]
    public var types: [TypeSpec]
}

/// A rule's identity and documentation. Its examples are its tests.
public struct RuleDescription: Sendable {
    public var id: String
    public var level: Level
    public var summary: String
    public var explanation: String
    /// Where the limit or enum comes from: a seed document or a public reference.
    public var source: String
    public var tags: [String]
    public var examples: [RuleExample]
    /// The pack file the rule comes from.
    public var pack: String
}

/// A JSON snippet for a rule. In an invalid example, `↓` marks where each finding starts.
public struct RuleExample: Sendable {
    public var json: String
    public var isValid: Bool
    public var mode: DocumentMode?
    public var kind: String?
    /// Extra files of the same bundle, by name, for cross-file rules.
    public var otherFiles: [String: String]

    public static let marker = "↓"

    /// The example's bytes with markers removed (`«FF»` writes a raw byte, for encoding
    /// examples), and the byte offsets where the markers stood.
    public func bytesAndMarkers() -> (bytes: [UInt8], markers: [Int]) {
        Self.decode(json)
    }

    static func decode(_ text: String) -> (bytes: [UInt8], markers: [Int]) {
        var bytes: [UInt8] = []
        var markers: [Int] = []
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            if scalar == "↓" { markers.append(bytes.count); continue }
            if scalar == "«", let close = scalars.firstIndex(of: "»"),
               let byte = UInt8(String(String.UnicodeScalarView(scalars[scalars.startIndex..<close])), radix: 16) {
                bytes.append(byte)
                scalars = scalars[(close + 1)...]
                continue
            }
            bytes.append(contentsOf: Array(String(scalar).utf8))
        }
        return (bytes, markers)
    }
}

/// Exported (a GET response, with read-only server fields) or authored (a PUT/PATCH body).
public enum DocumentMode: String, Sendable, CaseIterable {
    case exported, authored
}

/// A type of object and its constraints.
public struct TypeSpec: Sendable {
    public var name: String
    public var recognize: Recognizer?
    public var include: [String]
    /// A closed type reports fields it does not declare.
    public var closed: Bool
    public var fields: [String: FieldSpec]
    public var fieldOrder: [String]
    public var required: [String]
    public var conditions: [Condition]
    public var pack: String
}

/// How discovery recognises an object as a type.
public struct Recognizer: Sendable {
    /// The object's `resource_type`; `*` matches any NSX object no other type claims.
    public var resourceType: String?
    /// For SPS objects: a regular expression over `meta.href`.
    public var hrefPattern: String?
    public var hasAll: [String]
    public var hasAny: [String]
    public var hasNone: [String]

    /// More specific recognisers win when several match.
    var specificity: Int {
        (resourceType == "*" ? 0 : resourceType != nil ? 10 : 0) + (hrefPattern != nil ? 10 : 0)
            + hasAll.count + hasAny.count + hasNone.count
    }
}

public enum JSONType: String, Sendable, CaseIterable {
    case string, integer, number, boolean, object, array, null
    /// An integer, or a string of digits (SPS types some numbers as strings).
    case wholeNumber
}

/// The constraints on one field. A class, because items nest.
public final class FieldSpec: Sendable {
    public let types: [JSONType]
    public let enumValues: [String]?
    public let minimum: Double?
    public let maximum: Double?
    public let minLength: Int?
    public let maxLength: Int?
    public let minItems: Int?
    public let maxItems: Int?
    public let pattern: PatternMatcher?
    public let format: ValueFormat?
    public let readOnly: Bool
    /// Why the field is deprecated and what to use instead.
    public let deprecated: String?
    /// Values that are accepted but deprecated, with what to use instead.
    public let deprecatedValues: [String: String]
    /// Further formats, each reported by its own rule (e.g. a canonical-form warning beside
    /// the format error).
    public let formatChecks: [(format: ValueFormat, rule: String)]
    /// The rule that reports this field's range, length, pattern or format violations,
    /// when it has a named rule (e.g. `nsx/sequence-range`) rather than the generic one.
    public let rule: String?
    /// An object value is checked as this type.
    public let member: String?
    public let items: FieldSpec?
    /// The constraints do not apply when the parent object matches this.
    public let exemptWhen: Predicate?
    /// A credential: its value never appears in any output.
    public let secret: Bool

    init(types: [JSONType], enumValues: [String]?, minimum: Double?, maximum: Double?, minLength: Int?,
         maxLength: Int?, minItems: Int?, maxItems: Int?, pattern: PatternMatcher?, format: ValueFormat?,
         readOnly: Bool, deprecated: String?, deprecatedValues: [String: String], rule: String?, member: String?,
         items: FieldSpec?, exemptWhen: Predicate?, secret: Bool, formatChecks: [(format: ValueFormat, rule: String)]) {
        self.formatChecks = formatChecks
        self.types = types; self.enumValues = enumValues; self.minimum = minimum; self.maximum = maximum
        self.minLength = minLength; self.maxLength = maxLength; self.minItems = minItems; self.maxItems = maxItems
        self.pattern = pattern; self.format = format; self.readOnly = readOnly; self.deprecated = deprecated
        self.deprecatedValues = deprecatedValues; self.rule = rule; self.member = member; self.items = items
        self.exemptWhen = exemptWhen; self.secret = secret
    }
}

/// A requirement that depends on other fields: when `when` holds, the `require`d fields must be
/// present and the `forbid`den ones absent; with neither, the condition itself is the finding.
public struct Condition: Sendable {
    public var rule: String
    public var when: Predicate
    public var require: [String]
    public var forbid: [String]
    /// Only in this mode (e.g. a PSK is required in an authored body, not in an export).
    public var mode: DocumentMode?
    /// Where the finding points when neither require nor forbid names a field.
    public var at: String?
    public var message: String
}

/// A test on an object's fields.
public indirect enum Predicate: Sendable {
    case all([Predicate])
    case any([Predicate])
    case not(Predicate)
    case field(String, FieldTest)
}

public enum FieldTest: Sendable {
    case present, absent
    /// The value is one of these (JSON scalars, compared by kind and value).
    case isIn([ScalarValue], orAbsent: Bool)
    case notIn([ScalarValue])
    /// A non-empty array, object or string.
    case nonEmpty
    /// A number (or string of digits) above or below a bound.
    case greaterThan(Double), lessThan(Double)
    /// An array with at least one object element for which the predicate holds.
    case contains(Predicate)
    /// A string of this format (e.g. an SPS server `value` that must match its `selection`).
    case format(ValueFormat)
}

public enum ScalarValue: Sendable, Equatable, CustomStringConvertible {
    case string(String), number(Double), bool(Bool), null

    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        }
    }
}

/// A compiled regular expression. Regex values are not Sendable; a pack is read-only after
/// loading, so sharing one across threads is safe.
public final class PatternMatcher: @unchecked Sendable {
    public let source: String
    let regex: Regex<AnyRegexOutput>
    init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }
    public func matches(_ text: String) -> Bool { (try? regex.firstMatch(in: text)) != nil }
    public func wholeMatch(_ text: String) -> Bool { (try? regex.wholeMatch(in: text)) != nil }
}
