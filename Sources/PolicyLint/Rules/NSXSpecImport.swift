/// `--nsx-spec FILE`: the OpenAPI document a user's own NSX Manager serves
/// (`GET /api/v1/spec/openapi/nsx_policy_api.json`: Swagger 2.0 `definitions`, or OpenAPI 3
/// `components.schemas`), turned into a rule pack that checks against that appliance's version
/// instead of the built-in 4.2 model, and exactly: its model is `exact`, so a field or enum value
/// the spec lacks is an error, not "perhaps another version".
///
/// The pack follows the conventions of scripts/generate-nsx-packs.py (docs/rule-packs.md,
/// "Generated packs") and its layout to the byte: a header of one key per line, then one type
/// per line starting with `{"name":"`, sorted by name, so that a lazy loader can find a type's
/// line without parsing the rest.
enum NSXSpecImport {
    /// The text of a rule pack named `nsx-spec` for the spec in `bytes`; `file` names it in the
    /// model ("NSX API specification nsx_policy_api.json, version 4.1.2.0.0") and in errors.
    /// Throws a `ConfigurationError` for a document that is not such a spec.
    static func pack(fromSpec bytes: [UInt8], file: String) throws -> String {
        try pack(fromSpec: bytes, file: file, handWritten: RuleSet.builtInPacks())
    }

    /// `handWritten`: the packs whose types win over the spec's (the built-in ones).
    static func pack(fromSpec bytes: [UInt8], file: String, handWritten: [RulePack]) throws -> String {
        let spec = try SpecDocument(bytes: bytes, file: file)
        return try PackWriter(spec: spec, handWritten: handWritten).render()
    }

    static let packName = "nsx-spec"
    /// The hand-written type a spec type includes when it has all of its fields.
    static let managedResource = "nsx.ManagedResource"
    static let int32Range: (Double, Double) = (-2147483648, 2147483647)
    /// How deep schemas are followed (nested `items`, `allOf` chains, names of names): NSX's own
    /// nest a few levels; a deeper document is hostile, and its depths are not read, so that
    /// it cannot exhaust the stack.
    static let maxDepth = 64
}

/// The spec's schemas by name, and how to follow its `$ref`s.
private struct SpecDocument {
    let file: String
    let doc: JSONDocument
    let lines: LineIndex
    /// Each named schema's node, and the names in document order.
    let schemas: [String: Int]
    let names: [String]
    let version: String?

    init(bytes: [UInt8], file: String) throws {
        self.file = file
        let doc = JSONParser.parse(bytes)
        let lines = LineIndex(bytes)
        self.doc = doc
        self.lines = lines
        if let problem = doc.problems.first {
            throw ConfigurationError(file: file, position: lines.position(of: problem.offset), message: "the NSX API specification is not valid JSON: \(problem.message)")
        }
        guard let root = doc.root, doc.kind(root) == .object else {
            throw ConfigurationError(file: file, message: "the NSX API specification must be a JSON object (the OpenAPI document an NSX Manager serves)")
        }
        // Swagger 2.0 keeps its schemas under `definitions`, OpenAPI 3 under `components.schemas`.
        let container = doc.member(root, "definitions") ?? doc.member(root, "components").flatMap { doc.member($0, "schemas") }
        guard let container else {
            throw ConfigurationError(file: file, message: "the NSX API specification has neither \"definitions\" (Swagger 2.0) nor \"components\": {\"schemas\"} (OpenAPI 3): "
                                     + "is it the document an NSX Manager serves at GET /api/v1/spec/openapi/nsx_policy_api.json?")
        }
        guard doc.kind(container) == .object else {
            throw ConfigurationError(file: file, position: lines.position(of: doc.range(container).lowerBound), message: "the specification's schemas must be an object of named schemas")
        }
        var schemas: [String: Int] = [:]
        var names: [String] = []
        for (key, value) in doc.members(container) {
            let name = doc.string(key)
            if schemas[name] == nil { names.append(name) }
            schemas[name] = value
        }
        self.schemas = schemas
        self.names = names
        version = doc.member(root, "info").flatMap { doc.member($0, "version") }.flatMap { doc.stringValue($0) }
    }

    func fail(_ node: Int, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, position: lines.position(of: doc.range(node).lowerBound), message: message)
    }

    func member(_ node: Int, _ key: String) -> Int? { doc.kind(node) == .object ? doc.member(node, key) : nil }

    /// The schema name a `$ref` value points to; `context` says whose it is, for the error.
    func target(ofRef node: Int, context: String) throws -> String {
        guard let ref = doc.stringValue(node) else { throw fail(node, "\(context): \"$ref\" must be a string") }
        guard let name = ["#/definitions/", "#/components/schemas/"].lazy.compactMap({ ref.hasPrefix($0) ? String(ref.dropFirst($0.count)) : nil }).first else {
            throw fail(node, "\(context) refers to '\(ref)', which is not a schema of this document (only '#/definitions/NAME' or '#/components/schemas/NAME' can be followed)")
        }
        // A JSON Pointer step: `~1` is a `/`, `~0` a `~`.
        let decoded = name.replacingOccurrences("~1", "/").replacingOccurrences("~0", "~")
        guard schemas[decoded] != nil else {
            let hint = closestMatch(to: decoded, in: names).map { "; did you mean '\($0)'?" } ?? ""
            throw fail(node, "\(context) refers to '\(ref)', which the specification does not define\(hint)")
        }
        return decoded
    }

    /// The JSON types a schema names (`"type": "string"` or a list of them), in the pack's words;
    /// `int` (a slip of some NSX schemas) is an integer, and unknown names are left out.
    func types(_ node: Int) -> [String] {
        guard let t = member(node, "type") else { return [] }
        let names = doc.kind(t) == .array ? doc.elements(t).compactMap { doc.stringValue($0) } : [doc.stringValue(t)].compactMap { $0 }
        var result: [String] = []
        for name in names {
            let mapped = name == "int" ? "integer" : name
            if ["string", "integer", "number", "boolean", "object", "array"].contains(mapped), !result.contains(mapped) { result.append(mapped) }
        }
        return result
    }

    /// The property a schema discriminates its subtypes by: Swagger 2.0's `"discriminator":
    /// "resource_type"`, OpenAPI 3's `{"propertyName": "resource_type"}`.
    func discriminator(_ node: Int) -> String? {
        guard let d = member(node, "discriminator") else { return nil }
        if let name = doc.stringValue(d) { return name }
        return member(d, "propertyName").flatMap { doc.stringValue($0) }
    }

    /// The names of the schemas a schema builds on: its own `$ref` and its `allOf`'s.
    func parents(_ node: Int, context: String) throws -> [String] {
        var refs: [Int] = []
        if let ref = member(node, "$ref") { refs.append(ref) }
        if let allOf = member(node, "allOf"), doc.kind(allOf) == .array {
            refs += doc.elements(allOf).compactMap { member($0, "$ref") }
        }
        return try refs.map { try target(ofRef: $0, context: context) }
    }
}

/// A schema with its inheritance resolved: its own properties after its bases', as the
/// generator's bindings list a subtype's fields.
private struct FlatSchema {
    var properties: [(name: String, node: Int)] = []
    /// Each property's index in `properties`.
    var index: [String: Int] = [:]
    var required: [String] = []
    /// `additionalProperties` allows fields the schema does not list: the type is not closed.
    var open = false

    mutating func add(property name: String, _ node: Int) {
        // A subtype's redefinition replaces its base's, where the base had it.
        if let i = index[name] {
            properties[i].node = node
        } else {
            index[name] = properties.count
            properties.append((name, node))
        }
    }

    mutating func merge(_ other: FlatSchema) {
        for p in other.properties { add(property: p.name, p.node) }
        for r in other.required where !required.contains(r) { required.append(r) }
        open = open || other.open
    }
}

/// Writes the pack: which schemas are types, their names, bases and fields.
private final class PackWriter {
    let spec: SpecDocument
    let modelName: String
    /// Names the hand-written packs claim (their types' names and the resource_types they
    /// recognise): the spec's types of those names are `NAME.model`, recognising nothing.
    let claimed: Set<String>
    /// The hand-written types' own names: a member naming one of them is checked as it.
    let handWrittenTypes: Set<String>
    let managedFields: Set<String>
    /// The schemas that are object types, each emitted as a type of the pack.
    var objectTypes: Set<String> = []
    var flattened: [String: FlatSchema] = [:]

    init(spec: SpecDocument, handWritten: [RulePack]) throws {
        self.spec = spec
        let base = spec.file.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? spec.file
        modelName = "NSX API specification \(base)" + (spec.version.map { ", version \($0)" } ?? "")
        // A pack with a model is generated (rules/generated/, should it be built in one day),
        // not hand-written: its types must not push the spec's aside.
        let packs = handWritten.filter { $0.model == nil }
        var claimed = Set<String>(), own = Set<String>()
        var managed = Set<String>()
        for type in packs.flatMap(\.types) {
            own.insert(type.name)
            claimed.insert(type.name)
            if let r = type.recognize?.resourceType, r != "*" { claimed.insert(r) }
            if type.name == NSXSpecImport.managedResource { managed = Set(type.fields.keys) }
        }
        self.claimed = claimed
        handWrittenTypes = own
        managedFields = managed
        objectTypes = Set(spec.names.filter { isObjectSchema($0, seen: []) })
        guard !objectTypes.isEmpty else {
            throw ConfigurationError(file: spec.file, message: "the NSX API specification defines no object types (none of its schemas has properties)")
        }
    }

    func typeName(_ name: String) -> String { claimed.contains(name) ? name + ".model" : name }

    /// The type a member naming schema `name` is checked as: the hand-written one where it wins.
    func memberName(_ name: String) -> String { handWrittenTypes.contains(name) ? name : typeName(name) }

    /// An object schema (properties, inheritance, a discriminator or `type: object`) is a type;
    /// a string, number or list schema is written into the fields that refer to it.
    func isObjectSchema(_ name: String, seen: Set<String>) -> Bool {
        guard seen.count < NSXSpecImport.maxDepth, let node = spec.schemas[name], spec.doc.kind(node) == .object else { return false }
        if ["properties", "allOf", "discriminator"].contains(where: { spec.member(node, $0) != nil }) || spec.types(node).contains("object") { return true }
        // A schema that is only another's name (`{"$ref": …}`) is what that one is.
        if let ref = spec.member(node, "$ref"), let target = try? spec.target(ofRef: ref, context: name), !seen.contains(target) {
            return isObjectSchema(target, seen: seen.union([name]))
        }
        return false
    }

    /// Schema `name` with its bases' properties. A base met again on the way (a cyclic `allOf`)
    /// adds nothing more; only results computed from the top are kept, as they are complete.
    func flatten(_ name: String, visiting: Set<String> = [], depth: Int = 0) throws -> FlatSchema {
        if let done = flattened[name] { return done }
        guard !visiting.contains(name), depth < NSXSpecImport.maxDepth, let node = spec.schemas[name] else { return FlatSchema() }
        var flat = FlatSchema()
        try collect(node, owner: name, into: &flat, visiting: visiting.union([name]), depth: depth + 1)
        if visiting.isEmpty { flattened[name] = flat }
        return flat
    }

    func collect(_ node: Int, owner: String, into flat: inout FlatSchema, visiting: Set<String>, depth: Int) throws {
        let doc = spec.doc
        guard doc.kind(node) == .object, depth < NSXSpecImport.maxDepth else { return }
        if let ref = spec.member(node, "$ref") {
            flat.merge(try flatten(try spec.target(ofRef: ref, context: owner), visiting: visiting, depth: depth + 1))
        }
        if let allOf = spec.member(node, "allOf"), doc.kind(allOf) == .array {
            for part in doc.elements(allOf) { try collect(part, owner: owner, into: &flat, visiting: visiting, depth: depth + 1) }
        }
        if let properties = spec.member(node, "properties"), doc.kind(properties) == .object {
            for (key, value) in doc.members(properties) { flat.add(property: doc.string(key), value) }
        }
        if let required = spec.member(node, "required"), doc.kind(required) == .array {
            for r in doc.elements(required).compactMap({ doc.stringValue($0) }) where !flat.required.contains(r) { flat.required.append(r) }
        }
        if let extra = spec.member(node, "additionalProperties"), doc.kind(extra) != .false { flat.open = true }
    }

    /// Each subtype's base, as the generator finds it: the nearest schema it builds on
    /// (`allOf`) that has a discriminator, else the base whose listing names it with the fewest
    /// subtypes (OpenAPI 3's `discriminator.mapping`, or the values its discriminating property
    /// enumerates); the model's abstract roots list every type, the nearest base fewer.
    func bases() throws -> [String: String] {
        var listings: [String: Set<String>] = [:]
        for name in spec.names where objectTypes.contains(name) {
            let node = spec.schemas[name]!
            guard let property = spec.discriminator(node) else { continue }
            var listed = Set<String>()
            if let mapping = spec.member(spec.member(node, "discriminator")!, "mapping"), spec.doc.kind(mapping) == .object {
                for (key, value) in spec.doc.members(mapping) {
                    guard let text = spec.doc.stringValue(value) else { continue }
                    listed.insert(text.hasPrefix("#") ? try spec.target(ofRef: value, context: name) : text)
                    listed.insert(spec.doc.string(key))
                }
            }
            if let values = ownProperty(node, property).flatMap({ spec.member($0, "enum") }), spec.doc.kind(values) == .array {
                listed.formUnion(spec.doc.elements(values).compactMap { spec.doc.stringValue($0) })
            }
            listings[name] = listed.filter { $0 != name && objectTypes.contains($0) }
        }
        var byListing: [String: String] = [:]
        for (base, subtypes) in listings.sorted(by: { ($0.value.count, $0.key) < ($1.value.count, $1.key) }) {
            for subtype in subtypes where byListing[subtype] == nil { byListing[subtype] = base }
        }
        var result: [String: String] = [:]
        for name in objectTypes {
            // Breadth first through the schemas it builds on, level by level: the nearest
            // discriminating one.
            var level = try spec.parents(spec.schemas[name]!, context: name), seen: Set<String> = [name], found: String?
            for _ in 0..<NSXSpecImport.maxDepth where found == nil && !level.isEmpty {
                var next: [String] = []
                for parent in level where found == nil && seen.insert(parent).inserted {
                    let node = spec.schemas[parent]!
                    if spec.discriminator(node) != nil { found = parent } else { next += try spec.parents(node, context: parent) }
                }
                level = next
            }
            if let base = found ?? byListing[name] { result[name] = base }
        }
        return result
    }

    /// A property a schema declares itself (in `properties` or an inline `allOf` part).
    func ownProperty(_ node: Int, _ name: String) -> Int? {
        if let p = spec.member(node, "properties").flatMap({ spec.member($0, name) }) { return p }
        guard let allOf = spec.member(node, "allOf"), spec.doc.kind(allOf) == .array else { return nil }
        return spec.doc.elements(allOf).lazy.compactMap { self.spec.member($0, "properties").flatMap { self.spec.member($0, name) } }.first
    }

    func render() throws -> String {
        let bases = try bases()
        var lines: [String] = []
        for name in objectTypes.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            lines.append(try type(name, base: bases[name]))
        }
        let claimedHere = objectTypes.filter { claimed.contains($0) }.sorted()
        let description = "Every object type of the \(modelName), the OpenAPI document of the user's own NSX Manager (--nsx-spec): "
            + "fields, JSON types, enums, int32 ranges, limits, required, read-only and deprecated fields, subtypes, references. "
            + "The hand-written packs check \(claimedHere.isEmpty ? "none of its types" : claimedHere.joined(separator: ", ")): those are NAME.model here."
        return "{\n\"pack\":\(JSONText.quoted(NSXSpecImport.packName)),\n\"description\":\(JSONText.quoted(description)),\n"
            + "\"model\":{\"name\":\(JSONText.quoted(modelName)),\"exact\":true},\n\"types\":[\n"
            + lines.joined(separator: ",\n") + "\n]}\n"
    }

    /// One type's line: keys in the generator's order.
    func type(_ name: String, base: String?) throws -> String {
        let flat = try flatten(name)
        let ownName = typeName(name)
        let names = Set(flat.properties.map(\.name))
        let includesManaged = !managedFields.isEmpty && managedFields.isSubset(of: names)
        var out = JSONObjectText()
        out["name"] = JSONText.quoted(ownName)
        var description = "\(modelName): \(name)"
        if ownName != name { description += " (the hand-written \(name) checks it; this is its complete field list, to include)" }
        out["description"] = JSONText.quoted(description)
        // Only the type called by the spec's name claims the resource_type.
        if names.contains("resource_type"), ownName == name { out["recognize"] = "{\"resource_type\":\(JSONText.quoted(name))}" }
        if includesManaged { out["include"] = "[\(JSONText.quoted(NSXSpecImport.managedResource))]" }
        // A NAME.model type is no subtype of its own: the hand-written type says its base.
        if let base, ownName == name { out["base"] = JSONText.quoted(base) }
        // A schema that lists no property at all is a free-form object, not an empty one.
        if !flat.open, !flat.properties.isEmpty { out["closed"] = "true" }
        var fields = JSONObjectText()
        for (field, node) in flat.properties where !(includesManaged && managedFields.contains(field)) {
            fields[field] = try self.field(node, owner: name, name: field, inlining: [], depth: 0).text
        }
        out["fields"] = fields.text
        // Required only where the spec says so, and only fields the type has.
        let required = flat.required.filter { names.contains($0) }
        if !required.isEmpty { out["required"] = "[" + required.map(JSONText.quoted).joined(separator: ",") + "]" }
        return out.text
    }

    /// A property's FIELD. `inlining`: the non-object schemas being written into it, so that a
    /// cycle of them ends.
    func field(_ node: Int, owner: String, name: String, inlining: Set<String>, depth: Int) throws -> JSONObjectText {
        let doc = spec.doc
        var out = JSONObjectText()
        guard doc.kind(node) == .object, depth < NSXSpecImport.maxDepth else { return out }
        let context = "\(owner).\(name)"
        // `$ref`, or an `allOf` around one (how OpenAPI 3 gives a reference a description): an
        // object schema is a member; another is written in, under what this schema adds.
        let allOfRef = spec.member(node, "allOf").flatMap { list in doc.kind(list) == .array ? doc.elements(list).lazy.compactMap { self.spec.member($0, "$ref") }.first : nil }
        if let ref = spec.member(node, "$ref") ?? allOfRef {
            let target = try spec.target(ofRef: ref, context: context)
            if objectTypes.contains(target) {
                out["type"] = "\"object\""
                // A base with a discriminator is polymorphic: the value names its own
                // resource_type and discovery checks it as that type (the generator's
                // DynamicStructType), so a subtype is not held to its base's closed list.
                if spec.discriminator(spec.schemas[target]!) == nil { out["member"] = JSONText.quoted(memberName(target)) }
            } else if !inlining.contains(target) {
                out = try field(spec.schemas[target]!, owner: owner, name: name, inlining: inlining.union([target]), depth: depth + 1)
            }
        }
        var types = spec.types(node)
        if types.isEmpty, spec.member(node, "properties") != nil { types = ["object"] }
        if !types.isEmpty {
            out["type"] = types.count == 1 ? JSONText.quoted(types[0]) : "[" + types.map(JSONText.quoted).joined(separator: ",") + "]"
        }
        let allTypes = out["type"] ?? ""
        // resource_type's values are left to discovery, as the generator leaves them (a base
        // lists its subtypes there).
        if name != "resource_type", let values = spec.member(node, "enum"), doc.kind(values) == .array {
            let elements = Array(doc.elements(values)).filter { doc.kind($0) != .null }
            // The pack's enums are strings; a numeric enum is not one it can state.
            if !elements.isEmpty, elements.allSatisfy({ doc.kind($0) == .string }) {
                out["enum"] = "[" + elements.map { JSONText.quoted(doc.string($0)) }.joined(separator: ",") + "]"
            }
        }
        let isInt32 = allTypes.contains("\"integer\"") && spec.member(node, "format").flatMap { doc.stringValue($0) } == "int32"
        if let minimum = number(node, "minimum") ?? (isInt32 && out["minimum"] == nil ? NSXSpecImport.int32Range.0 : nil) { out["minimum"] = Self.numberText(minimum) }
        if let maximum = number(node, "maximum") ?? (isInt32 && out["maximum"] == nil ? NSXSpecImport.int32Range.1 : nil) { out["maximum"] = Self.numberText(maximum) }
        for key in ["minLength", "maxLength", "minItems", "maxItems"] {
            // A count the pack can hold: a whole number ≥ 0; any other is not a limit.
            if let n = number(node, key), n >= 0, n == n.rounded(), n < 1e15 { out[key] = Self.numberText(n) }
        }
        // _revision is the one field a body sends back as it read it (optimistic locking).
        if name != "_revision", spec.member(node, "readOnly").map({ doc.kind($0) == .true }) == true { out["readOnly"] = "true" }
        if spec.member(node, "deprecated").map({ doc.kind($0) == .true }) == true {
            out["deprecated"] = JSONText.quoted("the \(modelName) marks \(owner).\(name) deprecated")
        }
        if let items = spec.member(node, "items"), doc.kind(items) == .object {
            let itemField = try field(items, owner: owner, name: name, inlining: inlining, depth: depth + 1)
            if !itemField.isEmpty { out.set("items", object: itemField) }
        }
        let description = { self.spec.member(node, "description").flatMap { doc.stringValue($0) } ?? "" }
        if out["readOnly"] == nil, let collection = PolicyPaths.collection(field: name, type: out["type"], itemType: out.object("items")?["type"], description: description) {
            // The generator puts a list's references on its items.
            if out["type"] == "\"array\"", var items = out.object("items") {
                items["references"] = JSONText.quoted(collection)
                out.set("items", object: items)
            } else {
                out["references"] = JSONText.quoted(collection)
            }
        }
        out.order(by: ["type", "enum", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "readOnly", "deprecated", "member", "items", "references"])
        return out
    }

    func number(_ node: Int, _ key: String) -> Double? {
        guard let n = spec.member(node, key), let value = spec.doc.double(n), value.isFinite else { return nil }
        return value
    }

    static func numberText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// Which fields hold policy paths to other objects, and the collection they point into: the
/// generator's rules (scripts/generate-nsx-packs.py, `is_path_field` and `collection_for`), over
/// the spec's descriptions instead of the bindings' docstrings.
enum PolicyPaths {
    /// Path-valued fields that are no references: the object's own paths, set by the server.
    static let ownPaths: Set<String> = ["path", "parent_path", "relative_path", "remote_path"]
    /// The rule and group fields of firewall-like rules: policy paths though their names do not
    /// end in _path(s).
    static let pathListFields: Set<String> = ["source_groups", "destination_groups", "services", "scope"]
    static let knownCollections: [String: String] = [
        "tier0": "tier-0s", "tier1": "tier-1s", "edge_cluster": "edge-clusters", "segment": "segments",
        "group": "groups", "service": "services", "domain": "domains", "transport_zone": "transport-zones",
        "ipv6_profile": "ipv6-profiles", "dhcp_config": "dhcp-server-configs", "qos_profile": "qos-profiles",
        "context_profile": "context-profiles", "ip_pool": "ip-pools", "certificate": "certificates",
        "edge_node": "edge-nodes", "source_groups": "groups", "destination_groups": "groups", "services": "services",
    ]

    /// `type` and `itemType`: the JSON texts of the field's type and its items' so far;
    /// `description`: the field's, read only for a path field.
    static func collection(field: String, type: String?, itemType: String?, description: () -> String) -> String? {
        guard !ownPaths.contains(field) else { return nil }
        let isList = type == "\"array\""
        guard type == "\"string\"" || (isList && itemType == "\"string\"") else { return nil }
        if field.hasSuffix("_path") || field.hasSuffix("_paths") {
            // File-system and URL paths are no policy paths.
            let lowered = description().lowercased()
            guard !["file path", "url path", "uri path", "directory", "http path", "cookie"].contains(where: { lowered.contains($0) }) else { return nil }
        } else if !(pathListFields.contains(field) && isList) {
            return nil
        }
        if let fromExample = exampleCollection(description()) { return fromExample }
        var stem = field
        for suffix in ["_paths", "_path"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count); break }
        return knownCollections[stem] ?? field
    }

    /// The last collection step of the first example policy path a description gives
    /// ("/infra/tier-0s/vmc" → tier-0s: collections and ids alternate after the root).
    static func exampleCollection(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        func isStepByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2E || b == 0x2D || b >= 0x80
        }
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x2F, let root = ["infra", "global-infra", "orgs"].first(where: { bytes[(i + 1)...].starts(with: $0.utf8) }) else { i += 1; continue }
            var steps = [root]
            var j = i + 1 + root.utf8.count
            while j < bytes.count, bytes[j] == 0x2F, j + 1 < bytes.count, isStepByte(bytes[j + 1]) {
                var k = j + 1
                while k < bytes.count, isStepByte(bytes[k]) { k += 1 }
                steps.append(String(decoding: bytes[(j + 1)..<k], as: UTF8.self))
                j = k
            }
            if steps.count >= 3, steps.count % 2 == 1 { return steps[steps.count - 2] }
            if steps.count >= 2, steps.count % 2 == 0 { return steps[steps.count - 1] }
            i = j
        }
        return nil
    }
}

/// A JSON object written as text, its members in a chosen order (the pack's layout is compact
/// and fixed: a lazy loader reads it line by line). A member is JSON text, or an object still
/// to be added to (a list field's `items`).
private struct JSONObjectText {
    indirect enum Value {
        case text(String)
        case object(JSONObjectText)
    }

    private var members: [(key: String, value: Value)] = []

    var isEmpty: Bool { members.isEmpty }

    /// A member's JSON text (nil for none, or for an object member: see `object`).
    subscript(key: String) -> String? {
        get {
            guard case .text(let text)? = members.first(where: { $0.key == key })?.value else { return nil }
            return text
        }
        set { put(key, newValue.map(Value.text)) }
    }

    func object(_ key: String) -> JSONObjectText? {
        guard case .object(let object)? = members.first(where: { $0.key == key })?.value else { return nil }
        return object
    }

    mutating func set(_ key: String, object: JSONObjectText) { put(key, .object(object)) }

    private mutating func put(_ key: String, _ value: Value?) {
        if let i = members.firstIndex(where: { $0.key == key }) {
            if let value { members[i].value = value } else { members.remove(at: i) }
        } else if let value {
            members.append((key, value))
        }
    }

    mutating func order(by keys: [String]) {
        members.sort { (keys.firstIndex(of: $0.key) ?? keys.count) < (keys.firstIndex(of: $1.key) ?? keys.count) }
    }

    var text: String {
        "{" + members.map { member in
            let value: String
            switch member.value {
            case .text(let text): value = text
            case .object(let object): value = object.text
            }
            return JSONText.quoted(member.key) + ":" + value
        }.joined(separator: ",") + "}"
    }
}

private extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
