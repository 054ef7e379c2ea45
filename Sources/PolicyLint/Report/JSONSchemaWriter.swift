/// A JSON Schema (draft 2020-12) of the packs' types, for an editor to complete and check a
/// body as it is written (`policylint schema`). It says what the packs' fields say (types,
/// enums, ranges, lengths, counts, patterns, member types, required and closed field lists),
/// not what their conditions and check functions add: the linter stays the judge.
struct JSONSchemaWriter {
    let ruleSet: RuleSet

    static let draft = "https://json-schema.org/draft/2020-12/schema"

    /// A value of the schema: objects keep their keys sorted, so the output is the same on
    /// every run.
    indirect enum Value {
        case string(String), number(Double), bool(Bool)
        case array([Value])
        case object([String: Value])

        func write(_ out: inout JSONText) {
            switch self {
            case .string(let s): out.string(s)
            case .number(let d): out.number(d)
            case .bool(let b): out.bool(b)
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

    /// One type: its fields, required and closed lists, and where it comes from.
    func typeSchema(_ type: TypeSpec, key: (String) -> String?) -> Value {
        var schema: [String: Value] = ["type": .string("object")]
        var properties: [String: Value] = [:]
        for (name, field) in type.fields { properties[name] = fieldSchema(field, key: key) }
        if !properties.isEmpty { schema["properties"] = .object(properties) }
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
        var plain = field.types.filter { $0 != .wholeNumber }.map(\.rawValue)
        let wholeNumber = field.types.contains(.wholeNumber)
        let enumValues = field.enumValues.map { Value.array($0.map(Value.string)) }
        if wholeNumber || (enumValues != nil && plain.contains { $0 != "string" } && !plain.isEmpty) {
            // An integer or a string of digits, beside the field's other types.
            var branches: [Value] = []
            if wholeNumber {
                plain.removeAll { $0 == "integer" }
                branches.append(.object(["type": .string("integer")]))
                branches.append(.object(["type": .string("string"), "pattern": .string("^[0-9]+$")]))
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
        if let minimum = field.minimum { schema["minimum"] = .number(minimum) }
        if let maximum = field.maximum { schema["maximum"] = .number(maximum) }
        if let minLength = field.minLength { schema["minLength"] = .number(Double(minLength)) }
        if let maxLength = field.maxLength { schema["maxLength"] = .number(Double(maxLength)) }
        if let minItems = field.minItems { schema["minItems"] = .number(Double(minItems)) }
        if let maxItems = field.maxItems { schema["maxItems"] = .number(Double(maxItems)) }
        if let pattern = field.pattern { schema["pattern"] = .string(pattern.source) }
        if field.readOnly { schema["readOnly"] = .bool(true) }
        if field.deprecated != nil { schema["deprecated"] = .bool(true) }
        if let deprecated = field.deprecated { schema["description"] = .string("Deprecated: " + deprecated) }
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
