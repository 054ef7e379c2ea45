#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What a rule pack declares: rules (identity, level, documentation, examples) and types
/// (how to recognise an object and the constraints on its fields).
public struct RulePack: Sendable {
    public var name: String
    public var rules: [RuleDescription]
    var types: [TypeSpec]
    /// Check functions run on members or objects found anywhere in a document.
    var documentChecks: [CheckCall] = []
    /// Check functions run once on the whole run (every file at once).
    var runChecks: [CheckCall] = []
    /// Keys whose presence anywhere makes a document exported (a GET response).
    var exportMarkers: [String] = []
    /// Where NSX types live in policy paths.
    var collections: [PathCollection] = []
    /// The vendor model the pack's types are generated from (`rules/generated/`).
    var model: ModelSource?
}

/// A vendor's model of one version that a pack's types come from: VMware's NSX Policy API 4.2
/// model, or the OpenAPI document an appliance serves (`--nsx-spec`). Findings on its fields
/// name it. Another version of the appliance may have fields and enum values this one lacks:
/// unless the model is `exact` (the appliance's own), such a field or value is a warning, and
/// an error only when it is a near miss of one the model lists (a typo, not a newer version).
struct ModelSource: Sendable {
    var name: String
    var exact: Bool
}

/// Where a model pack's field comes from: "VMware NSX Policy API 4.2 model: Tier1.failover_mode".
final class FieldOrigin: Sendable, CustomStringConvertible {
    let model: ModelSource
    let owner: String
    let field: String

    init(model: ModelSource, owner: String, field: String) {
        self.model = model; self.owner = owner; self.field = field
    }

    var description: String { "\(model.name): \(owner).\(field)" }
}

/// Where objects of some NSX types live in a policy path: under their parent's path as
/// `/segment/id` (`security-policies`), or at a root (`/infra`). It lets the paths of H-API
/// bodies, whose objects carry an id but no path, be derived, and names a collection in messages.
struct PathCollection: Sendable {
    /// The path step before an object's id, e.g. `groups`; nil for a root.
    public var segment: String?
    /// The path of the one object of a root type, e.g. `/infra`.
    public var root: String?
    public var types: [String]
    /// NSX predefines objects of this collection that exports of a user's own objects do not
    /// hold (system services such as `/infra/services/HTTPS`): a reference that no file defines
    /// may be one of them, and is reported only as a near miss of one that is defined.
    public var predefined: Bool
}

/// A value that must be unique among an object's siblings: two objects of one type under one
/// parent (and with the same `alsoBy` values) with the same value of `field`.
struct UniqueKey: Sendable {
    public var field: String
    /// Further fields whose values must also agree (a policy's `category`).
    public var alsoBy: [String]
    public var rule: String
    /// `{type}` and `{value}` are filled in.
    public var message: String
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
    var examples: [RuleExample]
    /// The pack file the rule comes from.
    public var pack: String
}

/// A JSON snippet for a rule. In an invalid example, `↓` marks where each finding starts.
struct RuleExample: Sendable {
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
struct TypeSpec: Sendable {
    /// The fields live in one shared box, copied only when a type is changed (while packs load):
    /// checking a large export copies its types hundreds of thousands of times (one per object
    /// queued), and a copy of ten fields was ten reference counts, a tenth of a run, and what
    /// kept two cores from sharing the work (they counted on the same words).
    private final class Storage: @unchecked Sendable {
        var name: String
        var recognize: Recognizer?
        var include: [String]
        var closed: Bool
        var fields: [String: FieldSpec]
        var fieldOrder: [String]
        var required: [String]
        var conditions: [Condition]
        var pack: String
        var assumes: String?
        var unique: [UniqueKey] = []
        var base: String?
        var checks: [CheckCall] = []
        var model: ModelSource?
        /// `fields` by the bytes of their names, made when the type first checks an object:
        /// most types of a rule set never do in a small run.
        let fieldTable = AtomicLazyReference<FieldTable>()

        init(name: String, recognize: Recognizer?, include: [String], closed: Bool, fields: [String: FieldSpec],
             fieldOrder: [String], required: [String], conditions: [Condition], pack: String) {
            self.name = name; self.recognize = recognize; self.include = include; self.closed = closed; self.fields = fields
            self.fieldOrder = fieldOrder; self.required = required; self.conditions = conditions; self.pack = pack
        }

        func copy() -> Storage {
            let copy = Storage(name: name, recognize: recognize, include: include, closed: closed, fields: fields,
                               fieldOrder: fieldOrder, required: required, conditions: conditions, pack: pack)
            copy.assumes = assumes
            copy.unique = unique
            copy.base = base
            copy.checks = checks
            copy.model = model
            return copy
        }
    }
    private var storage: Storage

    public init(name: String, recognize: Recognizer?, include: [String], closed: Bool, fields: [String: FieldSpec],
                fieldOrder: [String], required: [String], conditions: [Condition], pack: String) {
        storage = Storage(name: name, recognize: recognize, include: include, closed: closed, fields: fields,
                          fieldOrder: fieldOrder, required: required, conditions: conditions, pack: pack)
    }

    /// The box, made this value's own before a change.
    private var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    public var name: String { get { storage.name } set { unique.name = newValue } }
    public var recognize: Recognizer? { get { storage.recognize } set { unique.recognize = newValue } }
    public var include: [String] { get { storage.include } set { unique.include = newValue } }
    /// A closed type reports fields it does not declare.
    public var closed: Bool { get { storage.closed } set { unique.closed = newValue } }
    public var fields: [String: FieldSpec] { get { storage.fields } set { unique.fields = newValue } }
    public var fieldOrder: [String] { get { storage.fieldOrder } set { unique.fieldOrder = newValue } }
    public var required: [String] { get { storage.required } set { unique.required = newValue } }
    public var conditions: [Condition] { get { storage.conditions } set { unique.conditions = newValue } }
    public var pack: String { get { storage.pack } set { unique.pack = newValue } }
    /// For a type that recognises bare bodies by their fields: the type such a body is taken to
    /// be (`SecurityPolicy` for a PUT body without `resource_type`), named in the summary.
    public var assumes: String? { get { storage.assumes } set { unique.assumes = newValue } }
    /// The NSX type this one is a subtype of: a `Child<base>` wrapper may hold it.
    public var base: String? { get { storage.base } set { unique.base = newValue } }
    /// What must be unique among siblings of this type (sequence numbers).
    public var uniqueKeys: [UniqueKey] { get { storage.unique } set { unique.unique = newValue } }
    /// Check functions run on each object of the type (and of the types that include it).
    public var checks: [CheckCall] { get { storage.checks } set { unique.checks = newValue } }
    /// The vendor model the type's closed field list comes from (its own pack's, or one it
    /// includes): an unknown field is then judged as the model's version allows.
    public var model: ModelSource? { get { storage.model } set { unique.model = newValue } }
    /// `fields` by the bytes of their names, made on first use (after the includes are resolved).
    var fieldTable: FieldTable {
        if let table = storage.fieldTable.load() { return table }
        return storage.fieldTable.storeIfNil(FieldTable(fields, required: required))
    }

    /// The type's name in messages: a bare body's assumed type (`Group`, not `Group.body`),
    /// a model type's own name (`Rule`, not `Rule.model`).
    var displayName: String {
        if let assumes { return assumes }
        return name.hasSuffix(".model") ? String(name.dropLast(6)) : name
    }

    /// Takes in what an included type declares; the type's own fields win.
    mutating func merge(included base: TypeSpec) {
        // Built apart and stored once: a field added through the property copied the dictionary.
        var fields = self.fields, order = fieldOrder
        let baseFields = base.fields
        for field in base.fieldOrder where fields[field] == nil {
            fields[field] = baseFields[field]
            order.append(field)
        }
        self.fields = fields
        fieldOrder = order
        required = base.required.filter { !required.contains($0) } + required
        conditions = base.conditions + conditions
        uniqueKeys = base.uniqueKeys.filter { key in !uniqueKeys.contains { $0.field == key.field } } + uniqueKeys
        // A check inherited through two includes runs once.
        checks = base.checks.filter { inherited in !checks.contains { $0 === inherited } } + checks
        // Including a model's type (`Rule.model`) closes the type on the model's fields: a
        // hand-written type lists only the fields it says more about.
        if base.closed, let model = base.model {
            closed = true
            if self.model == nil { self.model = model }
        }
    }
}

/// Names found by the raw bytes of a string node: checking a large export looked up every
/// member's field (and every object's type) by making a String of the key and hashing it,
/// which was the largest single cost of a run. An open-addressing table over the bytes; keys
/// with escapes (rare) are decoded and looked up in a dictionary instead. A class, built once:
/// a struct of arrays handed out per lookup was a reference count for each of them.
final class NameTable: Sendable {
    /// Name index + 1 in each slot, 0 for an empty one.
    private let slots: [Int32]
    /// Each name's length and first and last eight bytes (`words`): a name of up to 16 bytes
    /// is told by them alone, a longer one is then compared whole.
    private let keys: [(length: Int, first: UInt64, last: UInt64)]
    private let names: [[UInt8]]
    /// Indices by name, for keys with escapes.
    private let indexByName: [String: Int]

    init(_ names: [String]) {
        var capacity = 8
        while capacity < names.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: 0, count: capacity)
        var keys: [(length: Int, first: UInt64, last: UInt64)] = [], indexByName: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            let bytes = Array(name.utf8)
            let (first, last) = bytes.withUnsafeBufferPointer { Self.words($0) }
            var slot = Self.hash(bytes.count, first, last) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(i + 1)
            keys.append((bytes.count, first, last))
            indexByName[name] = i
        }
        self.slots = slots; self.keys = keys; self.names = names.map { Array($0.utf8) }; self.indexByName = indexByName
    }

    /// The first and last eight bytes of a name (zero-padded when shorter).
    @inline(__always)
    static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let count = bytes.count
        guard count >= 8 else {
            var first: UInt64 = 0
            for i in 0..<count { first |= UInt64(bytes[i]) << UInt64(i * 8) }
            return (first, first)
        }
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    }

    /// A name's length and its first and last eight bytes, mixed: names of one table differ
    /// there, and hashing every byte of every key was most of a lookup.
    @inline(__always)
    static func hash(_ count: Int, _ first: UInt64, _ last: UInt64) -> Int {
        var h = (first ^ (last &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(count)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        return Int(truncatingIfNeeded: h)
    }

    func index(of name: String) -> Int? { indexByName[name] }

    /// The index of the name a string node holds.
    func index(of node: Int, in doc: JSONDocument) -> Int? {
        let n = doc.nodes[node]
        guard n.kind == .string else { return nil }
        if n.flags & JSONNode.hasEscapes != 0 { return indexByName[doc.string(node)] }
        let start = Int(n.start) + 1, count = max(0, Int(n.end) - Int(n.start) - 2)
        return doc.bytes.withUnsafeBufferPointer { all -> Int? in
            let key = UnsafeBufferPointer(start: all.baseAddress! + start, count: count)
            let (first, last) = Self.words(key)
            let mask = slots.count - 1
            var slot = Self.hash(count, first, last) & mask
            while true {
                let index = Int(slots[slot]) - 1
                if index < 0 { return nil }
                let candidate = keys[index]
                if candidate.length == count && candidate.first == first && candidate.last == last
                    && (count <= 16 || names[index].withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, count) == 0 }) {
                    return index
                }
                slot = (slot + 1) & mask
            }
        }
    }
}

/// A type's fields by the bytes of a key (`NameTable`), and its required fields by index.
final class FieldTable: Sendable {
    private let names: NameTable
    let entries: [(name: String, field: FieldSpec)]
    /// The type's required fields, with their entry index when the type declares them.
    let required: [(name: String, index: Int?)]

    convenience init() { self.init([:], required: []) }

    init(_ fields: [String: FieldSpec], required: [String]) {
        entries = fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let names = NameTable(entries.map(\.name))
        self.names = names
        self.required = required.map { ($0, names.index(of: $0)) }
    }

    /// The entry of the field named by a key node.
    @inline(__always)
    func index(for key: Int, in doc: JSONDocument) -> Int? { names.index(of: key, in: doc) }
}

/// How discovery recognises an object as a type.
struct Recognizer: Sendable {
    /// The object's `resource_type`; `*` matches any NSX object no other type claims.
    public var resourceType: String?
    /// For SPS objects: a regular expression over `meta.href`.
    public var hrefPattern: String?
    public var hasAll: [String]
    public var hasAny: [String]
    public var hasNone: [String]
    /// Not recognised when this holds (a policy body whose category is a gateway category is
    /// no SecurityPolicy).
    public var unless: Predicate?
    /// `hrefPattern`, compiled once on first use.
    var hrefMatcher: PatternMatcher?

    /// More specific recognisers win when several match.
    var specificity: Int {
        (resourceType == "*" ? 0 : resourceType != nil ? 10 : 0) + (hrefPattern != nil ? 10 : 0)
            + hasAll.count + hasAny.count + hasNone.count + (unless == nil ? 0 : 1)
    }

    /// Whether it looks at an object's fields at all (most NSX ones need only the resource_type).
    var readsFields: Bool { !(hasAll.isEmpty && hasAny.isEmpty && hasNone.isEmpty) || unless != nil }
}

enum JSONType: String, Sendable, CaseIterable {
    case string, integer, number, boolean, object, array, null
    /// An integer, or a string of digits (SPS types some numbers as strings).
    case wholeNumber
}

/// The constraints on one field. A class, because items nest.
final class FieldSpec: Sendable {
    public let types: [JSONType]
    public let enumValues: [String]?
    public let minimum: Double?
    public let maximum: Double?
    public let minLength: Int?
    public let maxLength: Int?
    public let minItems: Int?
    public let maxItems: Int?
    public let pattern: PatternMatcher?
    /// What a value matching `pattern` is, in words ("a UUID (8-4-4-4-12 hexadecimal digits)"):
    /// a finding says the value is not that, instead of quoting the regular expression.
    public let patternMeaning: String?
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
    /// The field's string values (or its list's) that start with `/` are policy paths of objects
    /// in this collection (`groups`): references the bundle resolves (`xref/dangling`).
    public let references: String?
    /// The vendor model the field comes from (generated packs), named in its findings.
    let origin: FieldOrigin?
    /// Where the field's length, count or range limit comes from, when not from `origin`'s
    /// model (NSX's per-type JSON schemas).
    let limitSource: String?
    /// The member type, once looked up in the model (`RuleSet.memberType(of:)`). Kept by the
    /// field, so packs loaded once serve one model: a rule set with another model (`--nsx-spec`)
    /// loads the packs again, as the command does.
    let resolvedMember = AtomicLazyReference<ModelCatalogue.TypeBox>()
    /// Whether any constraint reads a string value's text: if none does, the checker does not
    /// decode it.
    let checksText: Bool
    /// The allowed values by their bytes, when the enum is the only constraint on the text: a
    /// value found there is valid without being decoded.
    let enumOnly: NameTable?
    /// A length is the only constraint on the text: a value whose bytes are within it (and
    /// so are its characters) is valid without being decoded.
    let lengthOnly: Bool

    init(types: [JSONType], enumValues: [String]?, minimum: Double?, maximum: Double?, minLength: Int?,
         maxLength: Int?, minItems: Int?, maxItems: Int?, pattern: PatternMatcher?, patternMeaning: String? = nil, format: ValueFormat?,
         readOnly: Bool, deprecated: String?, deprecatedValues: [String: String], rule: String?, member: String?,
         items: FieldSpec?, exemptWhen: Predicate?, secret: Bool, formatChecks: [(format: ValueFormat, rule: String)], references: String? = nil,
         origin: FieldOrigin? = nil, limitSource: String? = nil) {
        self.references = references
        self.origin = origin
        self.limitSource = limitSource
        self.formatChecks = formatChecks
        self.types = types; self.enumValues = enumValues; self.minimum = minimum; self.maximum = maximum
        self.minLength = minLength; self.maxLength = maxLength; self.minItems = minItems; self.maxItems = maxItems
        self.pattern = pattern; self.patternMeaning = patternMeaning; self.format = format; self.readOnly = readOnly; self.deprecated = deprecated
        self.deprecatedValues = deprecatedValues; self.rule = rule; self.member = member; self.items = items
        self.exemptWhen = exemptWhen; self.secret = secret
        checksText = enumValues != nil || !deprecatedValues.isEmpty || minLength != nil || maxLength != nil || pattern != nil
            || format != nil || !formatChecks.isEmpty || types.contains(.wholeNumber)
        let onlyTheEnum = deprecatedValues.isEmpty && minLength == nil && maxLength == nil && pattern == nil && format == nil
            && formatChecks.isEmpty && !types.contains(.wholeNumber)
        enumOnly = onlyTheEnum ? enumValues.map { NameTable($0) } : nil
        lengthOnly = enumValues == nil && deprecatedValues.isEmpty && pattern == nil && format == nil && formatChecks.isEmpty
            && !types.contains(.wholeNumber) && (minLength != nil || maxLength != nil)
    }
}

/// A requirement that depends on other fields: when `when` holds, the `require`d fields must be
/// present and the `forbid`den ones absent; with neither, the condition itself is the finding.
/// The message may name `{field}` (the field required or forbidden, or `at`), `{value}` (that
/// field's value) and `{limit}` (the bound a `when` test compares with).
struct Condition: Sendable {
    public var rule: String
    public var when: Predicate
    public var require: [FieldPath]
    public var forbid: [FieldPath]
    /// Only in this mode (e.g. a PSK is required in an authored body, not in an export).
    public var mode: DocumentMode?
    /// Where the finding points when neither require nor forbid names a field.
    public var at: FieldPath?
    public var message: String
}

/// A field of an object or of the objects inside it: `a/b/c` (or the JSON Pointer `/a/b/c`),
/// each step a member name with RFC 6901 escapes (`~1` for `/`, `~0` for `~`). Checked against
/// the type's fields when packs load, so a misspelt or dotted name is an error, not a silent miss.
struct FieldPath: Sendable, CustomStringConvertible {
    public let segments: [String]
    /// As the pack wrote it, for messages.
    public let text: String
    /// Where the pack wrote it, for load errors.
    public let position: SourcePosition?

    /// nil when a step is empty (`a//b`, `a/`).
    public init?(_ text: String, position: SourcePosition? = nil) {
        let body = text.hasPrefix("/") ? String(text.dropFirst()) : text
        let segments = body.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).replacing("~1", with: "/").replacing("~0", with: "~") }
        guard !segments.isEmpty, !segments.contains(where: \.isEmpty) else { return nil }
        self.segments = segments
        self.text = text
        self.position = position
    }

    public var description: String { text }
    /// The last step: the member a finding about the path names.
    public var name: String { segments[segments.count - 1] }
}

/// A test on an object's fields.
indirect enum Predicate: Sendable {
    case all([Predicate])
    case any([Predicate])
    case not(Predicate)
    case field(FieldPath, FieldTest)
    /// At least one of these fields is a non-empty array, object or string.
    case anyNonEmpty([FieldPath])
}

enum FieldTest: Sendable {
    case present, absent
    /// The value is one of these (JSON scalars, compared by kind and value).
    case isIn([ScalarValue], orAbsent: Bool)
    case notIn([ScalarValue])
    /// A non-empty array, object or string.
    case nonEmpty
    /// A number (or string of digits) above or below a bound.
    case greaterThan(Double), lessThan(Double)
    /// Compared with another field's value: both numbers (or strings of digits), or, for
    /// `equal`/`notEqual`, any two scalars. False when either is absent.
    case compare(Comparison, FieldPath)
    /// An array of at most this many values, a value `a-b` (a range) counting as `rangeWeight`
    /// (NSX counts a port range as two values against its limit of 15).
    case countAtMost(Int, rangeWeight: Int)
    /// An array with at least one object element for which the predicate holds.
    case contains(Predicate)
    /// A string of this format (e.g. an SPS server `value` that must match its `selection`).
    case format(ValueFormat)
}

enum Comparison: String, Sendable, CaseIterable {
    case lessThanField, greaterThanField, equalsField, notEqualsField
}

enum ScalarValue: Sendable, Equatable, CustomStringConvertible {
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

/// A regular expression, compiled when first used. Regex values are not Sendable; a pack is
/// read-only after loading, so sharing one across threads is safe. Compiling every pattern of
/// the built-in packs at start-up was a quarter of the time to lint a small file, so the
/// built-in packs (checked by the tests) defer it; a pack given with --rules is compiled when
/// loaded, so that a bad pattern is reported there.
final class PatternMatcher: @unchecked Sendable {
    public let source: String
    private struct Compiled: @unchecked Sendable { let regex: Regex<AnyRegexOutput>? }
    private let compiled: Mutex<Compiled?>

    init(_ source: String, compileNow: Bool = true) throws {
        self.source = source
        compiled = Mutex(compileNow ? Compiled(regex: try Regex(source)) : nil)
    }

    /// nil for a pattern that does not compile (only possible when compiled late).
    var regex: Regex<AnyRegexOutput>? {
        compiled.withLock { state in
            if let state { return state }
            let new = Compiled(regex: try? Regex(source))
            state = new
            return new
        }.regex
    }

    public func matches(_ text: String) -> Bool { regex.map { (try? $0.firstMatch(in: text)) != nil } ?? false }
    public func wholeMatch(_ text: String) -> Bool { regex.map { (try? $0.wholeMatch(in: text)) != nil } ?? false }
}
