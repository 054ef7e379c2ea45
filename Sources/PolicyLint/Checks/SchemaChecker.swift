/// Checks an object against a pack type: fields, required fields, conditions (catalogue
/// section 3). Generic rules are `schema/*`; a field may name its own rule (`nsx/psk-length`).
struct SchemaChecker {
    let ruleSet: RuleSet

    /// Checks an object and, through member types, the objects inside it. Those are queued, not
    /// recursed into: a pack type may contain itself (a tree of `children`), and a document may
    /// nest it a million levels deep.
    /// `pending`: the queue, lent by the caller so that one array serves every object it checks.
    func check(_ object: Int, as type: TypeSpec, _ context: inout CheckContext, pending: inout [(object: Int, type: TypeSpec)]) {
        pending.removeAll(keepingCapacity: true)
        pending.append((object, type))
        var next = 0
        while next < pending.count {
            let (object, type) = pending[next]
            next += 1
            checkObject(object, as: type, &context, &pending)
        }
    }

    func checkObject(_ object: Int, as type: TypeSpec, _ context: inout CheckContext, _ pending: inout [(object: Int, type: TypeSpec)]) {
        let doc = context.doc
        guard doc.kind(object) == .object else {
            context.report("schema/type", "a \(type.displayName) must be an object, not \(context.kindName(object))", at: object)
            return
        }
        let fieldTable = type.fieldTable
        // The declared fields present, by entry index: the required ones are then known
        // without looking each up among the members again.
        var present = PresentFields()
        for (key, value) in doc.members(object) {
            // The field is found by the key's bytes (see FieldTable); the key is decoded only
            // for a message about an unknown field.
            guard let index = fieldTable.index(for: key, in: doc) else {
                if type.closed {
                    let name = doc.string(key)
                    // A templated key (`"{{ field }}"`) may name any field.
                    if TemplatePlaceholder.occurs(in: name) { continue }
                    let near = closestMatch(to: name, in: type.fieldOrder)
                    let hint = near.map { "; did you mean '\($0)'?" } ?? ""
                    if let model = type.model, !model.exact, near == nil {
                        // Not a typo of a field the model lists: perhaps a field of another
                        // version than the model's.
                        context.report("schema/unknown-field", "'\(clipped(name))' is not a field of \(type.displayName) in the \(model.name); it may be one of another NSX version", key: key, value: value, atMost: .warning)
                    } else {
                        let source = type.model.map { " (\($0.name))" } ?? ""
                        // A near miss of a field the model lists is a typo, and the appliance's
                        // own model (--nsx-spec) lists every field of its version.
                        context.report("schema/unknown-field", "'\(clipped(name))' is not a field of \(type.displayName)\(hint)\(source)", key: key, value: value,
                                       atLeast: type.model != nil && (near != nil || type.model!.exact) ? .error : nil)
                    }
                }
                continue
            }
            present.insert(index)
            // Borrowed from the table, which the type keeps alive: taking a reference to the
            // field and its name for each member was two reference counts, shared by the cores.
            unowned(unsafe) let field = fieldTable.entries[index].field
            let name = FieldName(table: fieldTable, index: index)
            if field.readOnly {
                if context.mode == .authored {
                    context.report("schema/readonly-field",
                                   "'\(name)' is read-only\(cite(field)): the server sets it, and a PUT or PATCH body should not carry it (keep only _revision)",
                                   key: key, value: value)
                    context.attachFix(TextEdit.removingMember(key: key, value: value, in: context.doc), "remove '\(name)'")
                } else {
                    context.readOnlyFields.add(key: key, value: value, name: "\(name)")
                }
            }
            if let deprecated = field.deprecated {
                // A model's deprecation without a replacement already names the model and field.
                let source = field.origin.map { deprecated.contains($0.model.name) } == true ? "" : cite(field)
                context.report("schema/deprecated", "'\(name)' is deprecated: \(deprecated)\(source)", key: key, value: value)
            }
            checkValue(value, field, name: name, parent: object, context: &context, pending: &pending)
        }
        if !doc.nodes[object].isTruncated {
            for (name, index) in fieldTable.required {
                let isPresent = index.flatMap { present.contains($0) } ?? (doc.member(object, name) != nil)
                if !isPresent { context.report("schema/required", "\(type.displayName) requires '\(name)'", at: object) }
            }
            for condition in type.conditions {
                if let mode = condition.mode, mode != context.mode { continue }
                guard context.holds(condition.when, on: object) else { continue }
                checkCondition(condition, object, &context)
            }
        }
        for check in type.checks { check.run(on: object, &context) }
    }

    /// A set of a type's field indices; nil (unknown) beyond the first 128 fields.
    struct PresentFields {
        var low: UInt64 = 0, high: UInt64 = 0

        mutating func insert(_ index: Int) {
            if index < 64 { low |= 1 << UInt64(index) } else if index < 128 { high |= 1 << UInt64(index - 64) }
        }

        func contains(_ index: Int) -> Bool? {
            if index < 64 { return low & (1 << UInt64(index)) != 0 }
            if index < 128 { return high & (1 << UInt64(index - 64)) != 0 }
            return nil
        }
    }

    func checkCondition(_ condition: Condition, _ object: Int, _ context: inout CheckContext) {
        let doc = context.doc
        for path in condition.require {
            if let value = context.resolve(path, in: object), !context.isEmpty(value) { continue }
            context.report(condition.rule, fill(condition, path, value: nil, context), at: object)
        }
        for path in condition.forbid {
            guard let value = context.resolve(path, in: object) else { continue }
            // The finding underlines the member's key, in the object that holds it.
            let holder = path.segments.count == 1 ? object : context.resolve(FieldPath(path.segments.dropLast().joined(separator: "/"))!, in: object) ?? object
            let key = doc.members(holder).first { $0.value == value }!.key
            context.report(condition.rule, fill(condition, path, value: value, context), key: key, value: value)
        }
        if condition.require.isEmpty && condition.forbid.isEmpty {
            let value = condition.at.flatMap { context.resolve($0, in: object) }
            context.report(condition.rule, fill(condition, condition.at, value: value, context), at: value ?? object)
        }
    }

    /// A condition's message with `{field}`, `{value}` and `{limit}` filled in. A secret's value
    /// is never shown (`describe` says only its length).
    func fill(_ condition: Condition, _ path: FieldPath?, value: Int?, _ context: CheckContext) -> String {
        var message = condition.message
        guard message.contains("{") else { return message }
        if let path { message = message.replacing("{field}", with: path.text) }
        if let value {
            let secret = path.map { ruleSet.secretKeys.contains($0.name) } ?? false
            let shown = context.doc.kind(value) == .string || secret ? context.describe(value, secret: secret) : context.describe(value)
            message = message.replacing("{value}", with: shown)
        }
        if let limit = Self.limit(in: condition.when) { message = message.replacing("{limit}", with: ScalarValue.number(limit).description) }
        return message
    }

    /// The first bound a predicate compares with: what `{limit}` names.
    static func limit(in predicate: Predicate) -> Double? {
        switch predicate {
        case .all(let parts), .any(let parts): return parts.lazy.compactMap(limit).first
        case .not(let inner): return limit(in: inner)
        case .anyNonEmpty: return nil
        case .field(_, let test):
            switch test {
            case .greaterThan(let bound), .lessThan(let bound): return bound
            case .countAtMost(let bound, _): return Double(bound)
            default: return nil
            }
        }
    }

    /// " (VMware NSX Policy API 4.2 model: Tier1.failover_mode)" for a field of a model pack;
    /// `limit`: a length, count or range finding, whose limit may have a source of its own.
    func cite(_ field: FieldSpec, limit: Bool = false) -> String {
        if limit, let source = field.limitSource { return " (\(source))" }
        return field.origin.map { " (\($0))" } ?? ""
    }

    /// A credential by the pack's word or by its key (psk, password, …): never shown.
    func isSecret(_ field: FieldSpec, _ name: FieldName) -> Bool {
        field.secret || ruleSet.secretKeys.contains(name.withoutLastItemMark)
    }

    /// A field's name as messages show it: an element of a list is `name[]`. Kept as its place
    /// in the type's table and joined only for a message (it was joined for every list checked).
    struct FieldName: CustomStringConvertible {
        unowned(unsafe) let table: FieldTable
        let index: Int
        /// How many lists deep: `name[][]` is 2.
        var depth = 0

        var base: String { table.entries[index].name }
        var description: String { depth == 0 ? base : base + String(repeating: "[]", count: depth) }
        /// The name without its last `[]`: a list of credentials is a credential.
        var withoutLastItemMark: String { depth <= 1 ? base : base + String(repeating: "[]", count: depth - 1) }
        var item: FieldName { FieldName(table: table, index: index, depth: depth + 1) }
    }

    func checkValue(_ value: Int, _ field: FieldSpec, name: FieldName, parent: Int, context: inout CheckContext,
                    pending: inout [(object: Int, type: TypeSpec)]) {
        let doc = context.doc
        // A template's unquoted placeholder (`{{ groups | to_json }}`) is a value of any type,
        // not known until rendering: present, never judged.
        if doc.nodes[value].isPlaceholder { return }
        if let exempt = field.exemptWhen, context.holds(exempt, on: parent) { return }
        if !field.types.isEmpty && !field.types.contains(where: { matches(value, $0, doc) }) {
            // A template's "{{ enabled }}" stands for a value of any type.
            if doc.kind(value) == .string, TemplatePlaceholder.isWhole(doc.string(value)) { return }
            let wanted = field.types.map(typeName).joined(separator: " or ")
            let digitsHint = doc.kind(value) == .string && field.types.contains(.boolean)
                && (doc.stringEquals(value, "true") || doc.stringEquals(value, "false")) ? " (write it without quotes)" : ""
            // A scalar is named and shown ("a string \"yes\""); an object, a list or null only named.
            let scalar = [.string, .number, .true, .false].contains(doc.kind(value))
            let shown = scalar ? "\(context.kindName(value)) \(context.describe(value, secret: isSecret(field, name)))" : context.kindName(value)
            context.report("schema/type", "'\(name)' must be \(wanted), not \(shown)\(digitsHint)\(cite(field))", at: value)
            return
        }
        switch doc.kind(value) {
        case .string:
            // Most string fields carry no constraint on the text: decode only when one does.
            guard field.checksText else { break }
            if let allowed = field.enumOnly, allowed.index(of: value, in: doc) != nil { break }
            if field.lengthOnly && doc.problems.isEmpty && doc.nodes[value].flags & JSONNode.hasEscapes == 0 {
                // Between a quarter of its bytes and its bytes in characters (checkString).
                let bytes = doc.range(value).count - 2
                if (field.minLength.map { (bytes + 3) / 4 >= $0 } ?? true) && (field.maxLength.map { bytes <= $0 } ?? true) { break }
            }
            let text = doc.string(value)
            if field.types.contains(.wholeNumber), let number = Double(text), text.allSatisfy(\.isASCIIDigit) {
                checkRange(number, display: clippedNumber(text), field, name: name, value: value, &context)
            }
            checkString(text, value, field, name: name, &context)
        case .number:
            // NSX and SPS read integers as 64 bits: a bigger one is rejected whatever the
            // field's own range says (and a Double comparison could not tell it apart).
            if field.types.contains(.integer), doc.isIntegerLiteral(value), Int64(doc.numberText(value)) == nil {
                context.report(field.rule ?? "schema/range",
                               "'\(name)' is \(context.describe(value)), which does not fit a 64-bit integer (-9,223,372,036,854,775,808 to 9,223,372,036,854,775,807)\(cite(field))",
                               at: value)
            } else if field.minimum != nil || field.maximum != nil, let number = doc.double(value) {
                checkRange(number, display: context.describe(value), field, name: name, value: value, &context)
            }
        case .array:
            let count = doc.count(value)
            if let min = field.minItems, count < min {
                context.report(field.rule ?? "schema/items", "'\(name)' has \(count) item\(count == 1 ? "" : "s"); it needs at least \(min)\(field.maxItems == min ? " (exactly \(min))" : "")\(cite(field, limit: true))", at: value)
            }
            if let max = field.maxItems, count > max {
                context.report(field.rule ?? "schema/items", "'\(name)' has \(count) items; at most \(max) \(max == 1 ? "is" : "are") allowed\(cite(field, limit: true))", at: value)
            }
            if let items = field.items {
                // One name for all the elements (it was built again for each of them).
                for element in doc.elements(value) { checkValue(element, items, name: name.item, parent: parent, context: &context, pending: &pending) }
            }
        case .object:
            if field.member != nil, let type = ruleSet.memberType(of: field), !doc.hasMember(value, "resource_type") {
                pending.append((value, type))
            }
        default: break
        }
    }

    func checkString(_ text: String, _ value: Int, _ field: FieldSpec, name: FieldName, _ context: inout CheckContext) {
        // A template's placeholder is not known until it is rendered: no finding on its text.
        // Asked only once a check fails, so valid values cost nothing.
        var opaque: Bool?
        func isOpaque() -> Bool {
            if let opaque { return opaque }
            let found = TemplatePlaceholder.occurs(in: text)
            opaque = found
            return found
        }
        if let allowed = field.enumValues, !allowed.contains(text) {
            if isOpaque() { return }
            var hint = ""
            if let match = allowed.first(where: { $0.lowercased() == text.lowercased() }) ?? closestMatch(to: text, in: allowed, maxDistance: 2) {
                hint = "; did you mean '\(match)'?"
            }
            let list = allowed.count <= 12 ? allowed.joined(separator: ", ") : allowed.prefix(12).joined(separator: ", ") + ", …"
            if let origin = field.origin, !origin.model.exact, hint.isEmpty {
                // Not a typo of a listed value: perhaps a value of another version than the model's.
                context.report("schema/enum", "'\(name)' is \(context.describe(value, secret: isSecret(field, name))), which is not among the values of the \(origin) (\(list)); another NSX version may allow it", at: value, atMost: .warning)
                return
            }
            context.report("schema/enum", "'\(name)' is \(context.describe(value, secret: isSecret(field, name))), which is not allowed (allowed: \(list))\(hint)\(cite(field))", at: value)
            // Off only by case: the intended value is certain, so this is a safe fix.
            if let exact = allowed.first(where: { $0.lowercased() == text.lowercased() }) {
                context.attachFix(TextEdit(range: context.doc.range(value), replacement: JSONText.quoted(exact)), "write '\(exact)'")
            }
            return
        }
        if !field.deprecatedValues.isEmpty, let replacement = field.deprecatedValues[text] {
            context.report("schema/deprecated", "\(context.describe(value)) is a deprecated value of '\(name)': \(replacement)\(cite(field))", at: value)
        }
        // Counted and worded only for a field with a length limit (the message was built for
        // every string value).
        var lengthCheck = false
        // A string has between a quarter of its UTF-8 length and its UTF-8 length in scalars:
        // they are counted only when that range crosses a limit.
        let bytes = text.utf8.count
        if let min = field.minLength, (bytes + 3) / 4 < min { lengthCheck = true }
        if let max = field.maxLength, bytes > max { lengthCheck = true }
        if lengthCheck && !isOpaque() {
            let length = text.unicodeScalars.count
            let lengthRule = field.rule ?? "schema/length"
            if let min = field.minLength, length < min {
                context.report(lengthRule, "'\(name)' is \(length) character\(length == 1 ? "" : "s") long\(isSecret(field, name) ? " (value not shown)" : ""); \(lengthBounds(field))\(cite(field, limit: true))", at: value)
            } else if let max = field.maxLength, length > max {
                context.report(lengthRule, "'\(name)' is \(length) characters long\(isSecret(field, name) ? " (value not shown)" : ""); \(lengthBounds(field))\(cite(field, limit: true))", at: value)
            }
        }
        if let pattern = field.pattern, !pattern.matches(text), !isOpaque() {
            let secret = isSecret(field, name)
            // In words when the pack says what the pattern means (every built-in pattern does);
            // a pack without it gets its own expression back.
            let expected = field.patternMeaning.map { "which is not \($0)" } ?? "which does not match the pattern \(pattern.source)"
            // Where a secret's whitespace is would tell something about it.
            let why = secret ? "" : whitespaceMismatch(text, pattern).map { ": it \($0)" } ?? ""
            context.report(field.rule ?? "schema/pattern", "'\(name)' is \(context.describe(value, secret: secret)), \(expected)\(why)\(cite(field))", at: value)
        }
        if let format = field.format, !format.accepts(text), !isOpaque() {
            context.report(field.rule ?? "schema/format", "'\(name)' is \(context.describe(value, secret: isSecret(field, name))), not \(format.expectation)\(cite(field))", at: value)
        }
        for check in field.formatChecks where !check.format.accepts(text) && !isOpaque() {
            context.report(check.rule, "'\(name)' is \(context.describe(value, secret: isSecret(field, name))), not \(check.format.expectation)", at: value)
        }
    }

    /// "contains a space at character 2" when whitespace is all that keeps `text` from matching
    /// (the value matches with it taken out), else nil. Characters count as columns do.
    func whitespaceMismatch(_ text: String, _ pattern: PatternMatcher) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: \.properties.isWhitespace) else { return nil }
        var rest = String.UnicodeScalarView()
        rest.append(contentsOf: scalars.lazy.filter { !$0.properties.isWhitespace })
        guard pattern.matches(String(rest)) else { return nil }
        let what: String
        switch scalars[first] {
        case " ": what = "a space"
        case "\t": what = "a tab"
        case "\n", "\r": what = "a line break"
        default: what = "a U+\(hex(scalars[first].value, width: 4)) whitespace character"
        }
        let more = scalars.count - rest.count - 1
        return "contains \(what) at character \(first + 1)" + (more > 0 ? " (and \(more) more whitespace character\(more == 1 ? "" : "s"))" : "")
    }

    func lengthBounds(_ field: FieldSpec) -> String {
        switch (field.minLength, field.maxLength) {
        case let (min?, max?): return "it must be \(min)–\(max) characters"
        case let (min?, nil): return "it must be at least \(min) character\(min == 1 ? "" : "s")"
        case let (nil, max?): return "it must be at most \(max) characters"
        default: return ""
        }
    }

    func checkRange(_ number: Double, display: String, _ field: FieldSpec, name: FieldName, value: Int, _ context: inout CheckContext) {
        let below = field.minimum.map { number < $0 } ?? false
        let above = field.maximum.map { number > $0 } ?? false
        guard below || above else { return }
        let bounds: String
        switch (field.minimum, field.maximum) {
        case let (min?, max?): bounds = "it must be between \(formatNumber(min)) and \(formatNumber(max))"
        case let (min?, nil): bounds = "it must be at least \(formatNumber(min))"
        case let (nil, max?): bounds = "it must be at most \(formatNumber(max))"
        default: bounds = ""
        }
        context.report(field.rule ?? "schema/range", "'\(name)' is \(display); \(bounds)\(cite(field, limit: true))", at: value)
    }

    func matches(_ node: Int, _ type: JSONType, _ doc: JSONDocument) -> Bool {
        switch (type, doc.kind(node)) {
        case (.string, .string), (.object, .object), (.array, .array), (.null, .null), (.boolean, .true), (.boolean, .false): return true
        case (.number, .number): return doc.double(node) != nil
        case (.integer, .number), (.wholeNumber, .number): return doc.isIntegerLiteral(node)
        case (.wholeNumber, .string): return !doc.string(node).isEmpty && doc.string(node).allSatisfy(\.isASCIIDigit)
        default: return false
        }
    }

    func typeName(_ type: JSONType) -> String {
        switch type {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "a boolean"
        case .object: "an object"
        case .array: "an array"
        case .null: "null"
        case .wholeNumber: "a whole number"
        }
    }
}

/// 999999 → "999,999": limits read as the seeds print them.
func formatNumber(_ value: Double) -> String {
    guard value == value.rounded(), abs(value) < 1e18 else { return String(value) }
    let digits = String(Int64(abs(value)))
    var grouped = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
        grouped.append(c)
    }
    return (value < 0 ? "-" : "") + grouped
}
