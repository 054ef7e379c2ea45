/// A JSON Schema (draft 2020-12) of the packs' types, for an editor to complete and check a
/// body as it is written (`policylint schema`). It says what the packs' fields say (types,
/// enums, ranges, lengths, counts, patterns, member types, required and closed field lists)
/// and their conditional requirements, not what their other conditions and check functions
/// add: the linter stays the judge. It rejects no less than the linter reports as an error of
/// those, and no more, except that it cannot tell a misspelt field or enum value of the NSX
/// model (an error) from one of another NSX version (a warning).
struct JSONSchemaWriter {
    let ruleSet: RuleSet

    static let draft = "https://json-schema.org/draft/2020-12/schema"

    /// A value of the schema: objects keep their keys sorted, so the output is the same on
    /// every run.
    indirect enum Value {
        case string(String), number(Double), bool(Bool), null
        case array([Value])
        case object([String: Value])

        func write(_ out: inout JSONText) {
            switch self {
            case .string(let s): out.string(s)
            case .number(let d): out.number(d)
            case .bool(let b): out.bool(b)
            case .null: out.null()
            case .array(let values): out.array { out in for value in values { value.write(&out) } }
            case .object(let members):
                out.object { out in
                    for key in members.keys.sorted() { out.key(key); members[key]!.write(&out) }
                }
            }
        }
    }

    /// The schema of the named types (each must be one `ruleSet.type(named:)` finds): the
    /// root is a `$ref` to the one type, or an `anyOf` of several.
    func schema(for names: [String]) -> String {
        // The types reached, from the named ones through their member types, each under a key
        // of its own: its display name, or its name when another type took that first.
        var keys: [String: String] = [:], taken: [String: String] = [:], order: [String] = []
        var specs: [String: TypeSpec] = [:]
        func key(for name: String) -> String? {
            if let known = keys[name] { return known }
            guard let type = ruleSet.type(named: name) else { return nil }
            let display = type.displayName
            let chosen = taken[display] == nil ? display : name
            keys[name] = chosen
            taken[chosen] = name
            specs[name] = type
            order.append(name)
            return chosen
        }
        let roots = names.compactMap { key(for: $0) }
        var defs: [String: Value] = [:]
        var next = 0
        while next < order.count {
            let name = order[next]
            next += 1
            defs[keys[name]!] = typeSchema(specs[name]!, key: key(for:))
        }
        var root: [String: Value] = ["$schema": .string(Self.draft), "$defs": .object(defs)]
        let refs = roots.map { Value.object(["$ref": .string("#/$defs/" + Self.pointerEscaped($0))]) }
        if refs.count == 1, let ref = refs[0].refString { root["$ref"] = ref } else { root["anyOf"] = .array(refs) }
        var out = JSONText()
        Value.object(root).write(&out)
        return out.text + "\n"
    }

    /// One type: its fields, required and closed lists, its conditional requirements, and
    /// where it comes from.
    func typeSchema(_ type: TypeSpec, key: (String) -> String?) -> Value {
        var schema: [String: Value] = ["type": .string("object")]
        var properties: [String: Value] = [:]
        // What must hold of the whole object: exemptions and conditional requirements.
        var clauses: [Value] = []
        for name in type.fields.keys.sorted() {
            let field = type.fields[name]!
            let written = fieldSchema(field, key: key)
            guard let exempt = field.exemptWhen else { properties[name] = written; continue }
            // The linter passes over the field where its exemption holds (NSX's own default
            // sections carry sequence numbers above a policy's range): its constraints apply
            // only where it does not, and not at all when the exemption cannot be written.
            properties[name] = .object([:])
            if let exemption = Self.predicateSchema(exempt) {
                clauses.append(.object(["anyOf": .array([exemption, .object(["properties": .object([name: written])])])]))
            }
        }
        clauses += type.conditions.compactMap(Self.requirementSchema)
        if !properties.isEmpty { schema["properties"] = .object(properties) }
        if !clauses.isEmpty { schema["allOf"] = .array(clauses) }
        let required = type.required.filter { type.fields[$0] != nil || !type.closed }
        if !required.isEmpty { schema["required"] = .array(required.map(Value.string)) }
        if type.closed { schema["additionalProperties"] = .bool(false) }
        var description = "\(type.displayName): type '\(type.name)' of \(type.pack)"
        if let model = type.model { description += ", its fields from the \(model.name)" }
        schema["description"] = .string(description)
        return .object(schema)
    }

    /// One field's constraints. JSON Schema's string keywords (`pattern`, the lengths) pass
    /// any other type, and its number keywords any non-number, so they stand beside a list of
    /// types; an enum (of strings, as the packs write them) constrains only the string branch.
    func fieldSchema(_ field: FieldSpec, key: (String) -> String?) -> Value {
        var schema: [String: Value] = [:]
        // A limit under a rule of its own below error (a Rule's tag: NSX truncates it) is said,
        // not enforced: the schema rejects only what the linter reports as an error.
        let lenient = field.rule.flatMap { ruleSet.rule($0) }.flatMap { $0.level < .error ? $0 : nil }
        var plain = field.types.filter { $0 != .wholeNumber }.map(\.rawValue)
        let wholeNumber = field.types.contains(.wholeNumber)
        let enumValues = field.enumValues.map { Value.array($0.map(Value.string)) }
        if wholeNumber || (enumValues != nil && plain.contains { $0 != "string" } && !plain.isEmpty) {
            // An integer or a string of digits, beside the field's other types.
            var branches: [Value] = []
            if wholeNumber {
                plain.removeAll { $0 == "integer" }
                branches.append(.object(["type": .string("integer")]))
                // The linter reads the digits as a number and holds it to the field's range.
                let range = lenient == nil ? Self.digitsPattern(minimum: field.minimum, maximum: field.maximum) : nil
                branches.append(.object(["type": .string("string"), "pattern": .string(range ?? "^[0-9]+$")]))
            }
            if let enumValues, plain.contains("string") {
                plain.removeAll { $0 == "string" }
                branches.append(.object(["type": .string("string"), "enum": enumValues]))
            }
            if !plain.isEmpty { branches.append(.object(["type": Self.types(plain)])) }
            schema["anyOf"] = .array(branches)
        } else {
            if !plain.isEmpty { schema["type"] = Self.types(plain) }
            if let enumValues { schema["enum"] = enumValues }
        }
        var notes: [String] = []
        if let lenient {
            notes.append("\(lenient.summary) (\(lenient.id), \(lenient.level.rawValue): \(Self.limits(of: field)))")
        } else {
            if let minimum = field.minimum { schema["minimum"] = .number(minimum) }
            if let maximum = field.maximum { schema["maximum"] = .number(maximum) }
            if let minLength = field.minLength { schema["minLength"] = .number(Double(minLength)) }
            if let maxLength = field.maxLength { schema["maxLength"] = .number(Double(maxLength)) }
            if let minItems = field.minItems { schema["minItems"] = .number(Double(minItems)) }
            if let maxItems = field.maxItems { schema["maxItems"] = .number(Double(maxItems)) }
            if let pattern = field.pattern { schema["pattern"] = .string(pattern.source) }
        }
        if field.readOnly { schema["readOnly"] = .bool(true) }
        if field.deprecated != nil { schema["deprecated"] = .bool(true) }
        if let deprecated = field.deprecated { notes.insert("Deprecated: " + deprecated, at: 0) }
        if !notes.isEmpty { schema["description"] = .string(notes.joined(separator: " ")) }
        if let items = field.items { schema["items"] = fieldSchema(items, key: key) }
        if let member = field.member, let target = key(member) {
            // An object of the member type; a list or null the field allows stays allowed.
            let ref = Value.object(["$ref": .string("#/$defs/" + Self.pointerEscaped(target))])
            if field.types.isEmpty || field.types == [.object] {
                schema["$ref"] = ref.refString
            } else {
                schema["if"] = .object(["type": .string("object")])
                schema["then"] = ref
            }
        }
        return .object(schema)
    }

    /// A condition of the generic required rule (`sps.AuditSigning`: enabled requires
    /// x509_identity) as `if`/`then`, or as `not` when its `when` alone is the finding, where it
    /// applies in every mode to fields of the object itself; nil for the other conditions, which
    /// stay the linter's.
    static func requirementSchema(_ condition: Condition) -> Value? {
        guard condition.rule == "schema/required", condition.mode == nil, condition.forbid.isEmpty,
              condition.require.allSatisfy({ $0.segments.count == 1 }),
              let when = predicateSchema(condition.when) else { return nil }
        if condition.require.isEmpty { return .object(["not": when]) }
        return .object(["if": when, "then": nonEmptyMembers(condition.require.map { $0.segments[0] })])
    }

    /// Members that are present and not empty, as the linter's `require` reads them: not
    /// null, "", [] or {}.
    static func nonEmptyMembers(_ names: [String]) -> Value {
        let empty = Value.object(["anyOf": .array([
            .object(["type": .string("null")]),
            .object(["type": .string("string"), "maxLength": .number(0)]),
            .object(["type": .string("array"), "maxItems": .number(0)]),
            .object(["type": .string("object"), "maxProperties": .number(0)]),
        ])])
        var properties: [String: Value] = [:]
        for name in names { properties[name] = .object(["not": empty]) }
        return .object(["required": .array(names.map(Value.string)), "properties": .object(properties)])
    }

    /// A predicate on an object's own fields as a schema that holds exactly where it does;
    /// nil for a test or a path (`a/b`) it does not write.
    static func predicateSchema(_ predicate: Predicate) -> Value? {
        switch predicate {
        case .all(let parts):
            let written = parts.compactMap(predicateSchema)
            return written.count == parts.count ? .object(["allOf": .array(written)]) : nil
        case .any(let parts):
            let written = parts.compactMap(predicateSchema)
            return written.count == parts.count ? .object(["anyOf": .array(written)]) : nil
        case .not(let inner):
            return predicateSchema(inner).map { .object(["not": $0]) }
        case .anyNonEmpty: return nil
        case .field(let path, let test):
            guard path.segments.count == 1 else { return nil }
            let name = path.segments[0]
            let present = Value.object(["required": .array([.string(name)])])
            switch test {
            case .present: return present
            case .absent: return .object(["not": present])
            case .isIn(let values, let orAbsent):
                // Present with one of the values (compared by kind, as `enum` does).
                let among = Value.object(["required": .array([.string(name)]),
                                          "properties": .object([name: .object(["enum": .array(values.map(scalar))])])])
                return orAbsent ? .object(["anyOf": .array([.object(["not": present]), among])]) : among
            default: return nil
            }
        }
    }

    static func scalar(_ value: ScalarValue) -> Value {
        switch value {
        case .string(let s): .string(s)
        case .number(let d): .number(d)
        case .bool(let b): .bool(b)
        case .null: .null
        }
    }

    /// A pattern for strings of digits (leading zeros allowed) whose number is within a
    /// field's range; nil when the field has no range or one too wide to spell out.
    static func digitsPattern(minimum: Double?, maximum: Double?) -> String? {
        guard minimum != nil || maximum != nil else { return nil }
        let low = Int(max(0, (minimum ?? 0).rounded(.up)))
        guard let maximum, maximum < 1e15, case let high = Int(maximum.rounded(.down)), low <= high else { return nil }
        var alternatives: [String] = []
        var digits = String(low).count
        while digits <= String(high).count {
            // The numbers of this many digits in the range, written without leading zeros.
            let first = max(low, digits == 1 ? 0 : Int(pow10(digits - 1)))
            let last = min(high, Int(pow10(digits)) - 1)
            alternatives += decimalRange(String(first), String(last))
            digits += 1
        }
        return "^0*(?:" + alternatives.joined(separator: "|") + ")$"
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1) { x, _ in x * 10 } }

    /// Patterns for the numbers from `low` to `high`, both of the same number of digits.
    static func decimalRange(_ low: String, _ high: String) -> [String] {
        guard let x = low.first, let y = high.first else { return [""] }
        let lowRest = String(low.dropFirst()), highRest = String(high.dropFirst())
        if x == y { return decimalRange(lowRest, highRest).map { String(x) + $0 } }
        let n = lowRest.count
        let anyDigits = n == 0 ? "" : n == 1 ? "[0-9]" : "[0-9]{\(n)}"
        var first = x.wholeNumberValue!, last = y.wholeNumberValue!
        var out: [String] = [], tail: [String] = []
        if lowRest.contains(where: { $0 != "0" }) {
            out = decimalRange(lowRest, String(repeating: "9", count: n)).map { String(x) + $0 }
            first += 1
        }
        if highRest.contains(where: { $0 != "9" }) {
            tail = decimalRange(String(repeating: "0", count: n), highRest).map { String(y) + $0 }
            last -= 1
        }
        if first <= last { out.append((first == last ? "\(first)" : "[\(first)-\(last)]") + anyDigits) }
        return out + tail
    }

    /// A field's limits in words, for a description.
    static func limits(of field: FieldSpec) -> String {
        func number(_ d: Double) -> String { ScalarValue.number(d).description }
        var parts: [String] = []
        if let minimum = field.minimum { parts.append("at least \(number(minimum))") }
        if let maximum = field.maximum { parts.append("at most \(number(maximum))") }
        if let minLength = field.minLength { parts.append("at least \(minLength) characters") }
        if let maxLength = field.maxLength { parts.append("at most \(maxLength) characters") }
        if let minItems = field.minItems { parts.append("at least \(minItems) items") }
        if let maxItems = field.maxItems { parts.append("at most \(maxItems) items") }
        if let pattern = field.pattern { parts.append("matching \(pattern.source)") }
        return parts.joined(separator: ", ")
    }

    static func types(_ names: [String]) -> Value {
        names.count == 1 ? .string(names[0]) : .array(names.map(Value.string))
    }

    /// A `$defs` key in a JSON Pointer (RFC 6901), as a URI fragment: `~` and `/` escaped,
    /// and what a fragment may not hold percent-encoded.
    static func pointerEscaped(_ key: String) -> String {
        let pointer = key.replacing("~", with: "~0").replacing("/", with: "~1")
        var out = ""
        for byte in pointer.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber || "-._~!$&'()*+,;=:@".contains(c)) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

private extension JSONSchemaWriter.Value {
    var refString: Self? {
        if case .object(let members) = self { return members["$ref"] }
        return nil
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension RuleSet {
    /// Whether `policylint schema` can write a schema for a type of this name: one of the
    /// packs' or of the NSX model.
    public func hasType(named name: String) -> Bool { type(named: name) != nil }

    /// The types `policylint schema` writes when none is named: those a pack recognises by
    /// `resource_type`, and the kinds a bare body may be (`kindNames`: the SPS kinds).
    public var schemaTypeNames: [String] {
        let byResourceType = recognizable.compactMap { type -> String? in
            guard let r = type.recognize, r.hrefPattern == nil, let name = r.resourceType, name != "*" else { return nil }
            return type.name
        }
        return Set(byResourceType + kindNames).filter(hasType(named:)).sorted()
    }

    /// A JSON Schema (draft 2020-12) of the named types and the member types they reach,
    /// ending with a newline. Names no pack or model type has are left out.
    public func jsonSchema(for names: [String]) -> String {
        JSONSchemaWriter(ruleSet: self).schema(for: names.filter(hasType(named:)))
    }
}
