/// A problem found by a check, before it is placed (line, column, pointer) and given its level.
struct Issue {
    var rule: String
    var message: String
    /// The node the JSON pointer names (the object, for a missing field); nil: the innermost
    /// container at `range` (syntax errors).
    var anchor: Int?
    /// The bytes the finding underlines (the key, for an unknown or read-only field); empty:
    /// the anchor's own range.
    var range: Range<Int>
    /// A level other than the rule's (a `--strict-refs` note).
    var level: Level? = nil
    /// A level the finding stays at or below whatever the rule's level (a field another version
    /// of a vendor's model may have is at most a warning).
    var atMost: Level? = nil
    /// A level the finding is raised to unless the configuration sets the rule's level: a near
    /// miss of a field a vendor's model lists is a typo, and a field the appliance's own model
    /// (`--nsx-spec`) lacks is a mistake, though the rule is a warning.
    var atLeast: Level? = nil
    /// A safe, mechanical repair (`policylint fix`, SARIF `fixes`).
    var fix: Fix? = nil
    /// An earlier place the message names (the first of a repeated key), as a byte offset: its
    /// line and column replace `earlierPosition` in the message when the issue is placed.
    var earlier: Int? = nil
    /// Other places the finding names, in any file of the run, already placed (the earlier
    /// rules that shadow a rule: SARIF `relatedLocations`).
    var related: [RelatedLocation] = []

    static let earlierPosition = "{earlier position}"
}

/// The read-only fields of an exported document: counted, not reported one by one (an export
/// carries them on every object), and named in one note when the mode was not given.
struct ReadOnlyTally {
    var count = 0
    /// The first one's key and value nodes.
    var first: (key: Int, value: Int)?
    /// A few of their names, for the message.
    var names: [String] = []

    mutating func add(key: Int, value: Int, name: @autoclosure () -> String) {
        count += 1
        if first == nil || key < first!.key { first = (key, value) }
        if names.count < 4 { let name = name(); if !names.contains(name) { names.append(name) } }
    }

    /// Joins the tallies of the slices of one document.
    mutating func merge(_ other: ReadOnlyTally) {
        count += other.count
        if let f = other.first, first == nil || f.key < first!.key { first = f }
        for name in other.names where names.count < 4 && !names.contains(name) { names.append(name) }
    }
}

/// What the checks of one document share: the document, its mode, and the issues found.
struct CheckContext {
    let doc: JSONDocument
    let mode: DocumentMode
    let ruleSet: RuleSet
    var issues: [Issue] = []
    /// In exported mode, the read-only fields met.
    var readOnlyFields = ReadOnlyTally()
    /// The run's choices check functions read.
    var settings = CheckSettings()

    init(doc: JSONDocument, mode: DocumentMode, ruleSet: RuleSet, issues: [Issue] = []) {
        self.doc = doc; self.mode = mode; self.ruleSet = ruleSet; self.issues = issues
    }

    mutating func report(_ rule: String, _ message: String, at node: Int, atMost: Level? = nil) {
        issues.append(Issue(rule: rule, message: message, anchor: node, range: doc.range(node), atMost: atMost))
    }

    /// A finding about a member as a whole: the pointer names the value, the range the key.
    mutating func report(_ rule: String, _ message: String, key: Int, value: Int, atMost: Level? = nil, atLeast: Level? = nil) {
        issues.append(Issue(rule: rule, message: message, anchor: value, range: doc.range(key), atMost: atMost, atLeast: atLeast))
    }

    /// Gives the last reported issue a safe fix.
    mutating func attachFix(_ edit: TextEdit, _ description: String) {
        guard !issues.isEmpty else { return }
        issues[issues.count - 1].fix = Fix(description: description, edit: edit)
    }

    /// A short, safe rendering of a value for a message: strings quoted and cut, secrets never.
    func describe(_ node: Int, secret: Bool = false) -> String {
        if secret && doc.kind(node) != .string { return "(value not shown)" }
        switch doc.kind(node) {
        case .string:
            let text = doc.string(node)
            if secret { return "a string of \(text.unicodeScalars.count) characters" }
            let cut = text.unicodeScalars.count > 80 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(77))) + "…" : text
            return "\"\(cut)\""
        case .number: return clippedNumber(doc.numberText(node))
        case .true: return "true"
        case .false: return "false"
        case .null: return "null"
        case .object: return "an object"
        case .array: return "an array"
        }
    }

    func kindName(_ node: Int) -> String {
        switch doc.kind(node) {
        case .string: "a string"
        case .number: doc.isIntegerLiteral(node) ? "an integer" : "a number"
        case .true, .false: "a boolean"
        case .null: "null"
        case .object: "an object"
        case .array: "an array"
        }
    }

    /// The node a path names inside an object, if every step is there.
    func resolve(_ path: FieldPath, in object: Int) -> Int? {
        var node = object
        for segment in path.segments {
            guard doc.kind(node) == .object, let next = doc.member(node, segment) else { return nil }
            node = next
        }
        return node
    }

    /// Evaluates a predicate against an object's fields.
    func holds(_ predicate: Predicate, on object: Int) -> Bool {
        switch predicate {
        case .all(let parts): return parts.allSatisfy { holds($0, on: object) }
        case .any(let parts): return parts.contains { holds($0, on: object) }
        case .not(let inner): return !holds(inner, on: object)
        case .anyNonEmpty(let paths): return paths.contains { resolve($0, in: object).map { !isEmpty($0) } ?? false }
        case .field(let path, let test):
            let value = resolve(path, in: object)
            switch test {
            case .present: return value != nil
            case .absent: return value == nil
            case .nonEmpty: return value.map { !isEmpty($0) } ?? false
            case .isIn(let values, let orAbsent):
                guard let value else { return orAbsent }
                return values.contains { equals(value, $0) }
            case .notIn(let values):
                guard let value else { return false }
                return !values.contains { equals(value, $0) }
            case .greaterThan(let bound):
                guard let number = value.flatMap(numericValue) else { return false }
                return number > bound
            case .contains(let inner):
                guard let value, doc.kind(value) == .array else { return false }
                return doc.elements(value).contains { doc.kind($0) == .object && holds(inner, on: $0) }
            case .lessThan(let bound):
                guard let number = value.flatMap(numericValue) else { return false }
                return number < bound
            case .compare(let comparison, let otherPath):
                guard let value, let other = resolve(otherPath, in: object) else { return false }
                switch comparison {
                case .lessThanField, .greaterThanField:
                    guard let a = numericValue(value), let b = numericValue(other) else { return false }
                    return comparison == .lessThanField ? a < b : a > b
                case .equalsField: return sameScalar(value, other)
                case .notEqualsField: return !sameScalar(value, other)
                }
            case .countAtMost(let limit, let rangeWeight):
                guard let value, doc.kind(value) == .array else { return false }
                var count = 0
                for element in doc.elements(value) {
                    let isRange = doc.kind(element) == .string && doc.string(element).dropFirst().contains("-")
                    count += isRange ? rangeWeight : 1
                }
                return count <= limit
            case .format(let format):
                guard let value, doc.kind(value) == .string else { return false }
                return format.accepts(doc.string(value))
            }
        }
    }

    /// A number, or a string of digits (SPS writes some numbers as strings).
    func numericValue(_ node: Int) -> Double? {
        if let d = doc.double(node) { return d }
        guard doc.kind(node) == .string else { return nil }
        let text = doc.string(node)
        return !text.isEmpty && text.allSatisfy(\.isASCIIDigit) ? Double(text) : nil
    }

    func isEmpty(_ node: Int) -> Bool {
        switch doc.kind(node) {
        case .null: return true
        case .array, .object: return doc.count(node) == 0
        case .string: return doc.range(node).count <= 2
        default: return false
        }
    }

    /// Two values written alike after decoding: the same scalar, or the same number.
    func sameScalar(_ a: Int, _ b: Int) -> Bool {
        if let x = doc.double(a), let y = doc.double(b) { return x == y }
        guard doc.kind(a) == doc.kind(b) else { return false }
        switch doc.kind(a) {
        case .string: return doc.string(a) == doc.string(b)
        case .true, .false, .null: return true
        default: return false
        }
    }

    func equals(_ node: Int, _ value: ScalarValue) -> Bool {
        switch value {
        case .string(let s): return doc.stringEquals(node, s)
        case .number(let d): return doc.double(node) == d
        case .bool(let b): return doc.bool(node) == b
        case .null: return doc.kind(node) == .null
        }
    }
}

/// A number's text for a message: a number of thousands of digits is cut, with its length.
func clippedNumber(_ text: String) -> String {
    guard text.utf8.count > 40 else { return text }
    return String(text.prefix(24)) + "…(\(text.utf8.count) characters)"
}

/// Text from the input for a message, cut to `limit` scalars: a 10 MB key or value never makes
/// a 10 MB message.
func clipped(_ text: String, _ limit: Int = 80) -> String {
    guard text.utf8.count > limit, text.unicodeScalars.count > limit else { return text }
    return String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit - 1))) + "…"
}
