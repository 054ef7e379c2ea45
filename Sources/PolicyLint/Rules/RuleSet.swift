/// Every rule and type of the loaded packs, with includes resolved and references checked.
public struct RuleSet: Sendable {
    public private(set) var rules: [String: RuleDescription] = [:]
    /// Rule ids in the order the packs declare them.
    public private(set) var ruleOrder: [String] = []
    private(set) var types: [String: TypeSpec] = [:]
    /// Types discovery can recognise, most specific first.
    private(set) var recognizable: [TypeSpec] = []
    /// The type each object-valued field (or list element) is checked as, by field: looked up
    /// by the field's identity, not by hashing its type's name for every object.
    private(set) var memberTypes: [ObjectIdentifier: TypeSpec] = [:]
    /// Their recognizers, read in place (a type hands out a copy, a reference count per part).
    private(set) var recognizers: [Recognizer] = []
    /// Whether a recognizer looks at fields at all (most NSX ones need only the resource_type).
    private(set) var recognizerReadsFields: [Bool] = []
    /// For each NSX resource_type, the indices in `recognizable` of the types that may claim it
    /// (those naming it or `*`, in order); `nsxWildcards` for a resource_type no type names.
    /// Discovery compared the name with every type's for each object.
    private(set) var nsxCandidates: [String: [Int]] = [:]
    private(set) var nsxWildcards: [Int] = []
    /// `nsxCandidates` by the bytes of a `resource_type` (its lists in `nsxCandidateLists`).
    private(set) var nsxCandidateNames = NameTable([])
    private(set) var nsxCandidateLists: [[Int]] = []
    /// The types `--kind` and the configuration's `kinds` may name for a bare body: the SPS
    /// policy kinds and the NSX types the packs declare, sorted.
    public private(set) var kindNames: [String] = []
    /// Subtypes the packs declare (`base`), by base type: a `Child<base>` wrapper may hold them.
    private(set) var declaredSubtypes: [String: Set<String>] = [:]
    /// Where NSX types live in policy paths, from every pack.
    private(set) var collections: [PathCollection] = []
    /// The packs' references, uniqueness and paths, for the bundle index.
    private(set) var bundleSchema = BundleSchema.empty
    /// Keys whose values are credentials (a field's `secret`, a secret document check's
    /// `members`): never printed, masked in excerpts.
    private(set) var secretKeys: Set<String> = []
    /// The packs' document checks, and what discovery needs to find their members in its pass.
    private(set) var documentChecks: [CheckCall] = []
    /// The packs' run checks, each run once on every file of a run.
    private(set) var runChecks: [CheckCall] = []
    private(set) var documentCheckSelection = DocumentCheckSelection()
    /// Keys that make a document exported (`exportMarkers`).
    private(set) var exportMarkers = KeyTable([])
    /// The vendor model's types (`rules/generated/`, or `--nsx-spec`), read when first used.
    let models: ModelLines?
    private(set) var catalogue: ModelCatalogue?

    /// `models`: the vendor model whose types check the NSX objects no pack type claims.
    public init(packs: [RulePack], models: ModelLines? = ModelLines.builtIn) throws {
        self.models = models
        for pack in packs { try add(pack) }
        try validate()
    }

    /// The packs built into the binary.
    public static func builtIn() throws -> RuleSet {
        try RuleSet(packs: builtInPacks())
    }

    public static func builtInPacks() throws -> [RulePack] {
        try embeddedRulePacks.map { try RulePackLoader.load(file: "rules/" + $0.name, bytes: Array($0.text.utf8), compilePatterns: false) }
    }

    mutating func add(_ pack: RulePack) throws {
        for rule in pack.rules {
            if let existing = rules[rule.id] {
                throw ConfigurationError(file: rule.pack, message: "rule '\(rule.id)' is declared twice (also in \(existing.pack))")
            }
            rules[rule.id] = rule
            ruleOrder.append(rule.id)
        }
        for type in pack.types {
            guard types[type.name] == nil else {
                throw ConfigurationError(file: type.pack, message: "type '\(type.name)' is declared twice")
            }
            types[type.name] = type
        }
        for collection in pack.collections {
            for name in collection.types {
                if let other = collections.first(where: { $0.types.contains(name) }) {
                    throw ConfigurationError(file: pack.name, message: "type '\(name)' is in two collections ('\(other.segment ?? other.root ?? "")' and '\(collection.segment ?? collection.root ?? "")')")
                }
            }
            collections.append(collection)
        }
        documentChecks += pack.documentChecks
        runChecks += pack.runChecks
        exportMarkerNames += pack.exportMarkers
    }

    private var exportMarkerNames: [String] = []

    /// Resolves includes and checks that every referenced rule, type and member exists.
    mutating func validate() throws {
        var resolved: [String: TypeSpec] = [:]
        func resolve(_ name: String, _ seen: [String]) throws -> TypeSpec {
            if let done = resolved[name] { return done }
            guard var type = try types[name] ?? modelType(name) else { throw ConfigurationError(file: seen.last.flatMap { types[$0]?.pack } ?? "rules", message: "unknown type '\(name)' (included by \(seen.last ?? "?"))") }
            guard !seen.contains(name) else { throw ConfigurationError(file: type.pack, message: "types include each other: \((seen + [name]).joined(separator: " → "))") }
            for included in type.include { type.merge(included: try resolve(included, seen + [name])) }
            resolved[name] = type
            return type
        }
        for name in types.keys { _ = try resolve(name, []) }
        types = resolved

        func checkRule(_ id: String, _ type: TypeSpec) throws {
            guard rules[id] != nil else { throw ConfigurationError(file: type.pack, message: "type '\(type.name)' names rule '\(id)', which no pack declares") }
        }
        func checkField(_ field: FieldSpec, _ type: TypeSpec) throws {
            if let rule = field.rule { try checkRule(rule, type) }
            for check in field.formatChecks { try checkRule(check.rule, type) }
            if let member = field.member, types[member] == nil, !(models?.contains(member) ?? false) {
                throw ConfigurationError(file: type.pack, message: "type '\(type.name)' names member type '\(member)', which no pack declares")
            }
            if let items = field.items { try checkField(items, type) }
        }
        var secretKeysToAdd: [String] = []
        for type in types.values {
            for (name, field) in type.fields {
                try checkField(field, type)
                if field.secret { secretKeysToAdd.append(name) }
            }
            for condition in type.conditions {
                try checkRule(condition.rule, type)
                try checkPaths(condition.when, in: type)
                for path in condition.require + condition.forbid + (condition.at.map { [$0] } ?? []) { _ = try checkPath(path, in: type) }
            }
            for field in type.fields.values { if let exempt = field.exemptWhen { try checkPaths(exempt, in: type) } }
            for key in type.uniqueKeys {
                try checkRule(key.rule, type)
                for name in [key.field] + key.alsoBy where type.fields[name] == nil {
                    throw ConfigurationError(file: type.pack, message: "type '\(type.name)' has no field '\(name)' for its unique key on '\(key.field)'")
                }
            }
            if let unless = type.recognize?.unless { try checkPaths(unless, in: type) }
        }
        for check in types.values.flatMap(\.checks) + documentChecks + runChecks {
            for rule in check.rules where rules[rule] == nil {
                let hint = closestMatch(to: rule, in: ruleOrder).map { "; did you mean '\($0)'?" } ?? ""
                throw ConfigurationError(file: check.file, position: check.position, message: "check function '\(check.function.name)' is named with rule '\(rule)', which no pack declares\(hint)")
            }
        }
        // A field marked secret is a credential wherever its name appears: the secret document
        // checks (rules/secrets.json) are given it too, as they are given their own members.
        let secretFields = secretKeysToAdd
        for c in documentChecks.indices where documentChecks[c].given?.secret == true && documentChecks[c].given?.anyString == false {
            let own = documentChecks[c].given!.names
            documentChecks[c] = documentChecks[c].given(names: own + secretFields.filter { !own.contains($0) })
            secretKeysToAdd += own
        }
        secretKeys.formUnion(secretKeysToAdd)
        documentCheckSelection = DocumentCheckSelection(documentChecks)
        exportMarkers = KeyTable(exportMarkerNames)
        recognizable = types.values.filter { $0.recognize != nil }
            .sorted { ($0.recognize!.specificity, $1.name) > ($1.recognize!.specificity, $0.name) }
        recognizers = recognizable.map { $0.recognize! }
        recognizerReadsFields = recognizers.map(\.readsFields)
        for type in recognizable {
            if let assumed = type.assumes, types[assumed] == nil, !(models?.contains(assumed) ?? false) {
                throw ConfigurationError(file: type.pack, message: "type '\(type.name)' assumes type '\(assumed)', which no pack declares")
            }
        }
        catalogue = models.map { ModelCatalogue(lines: $0, resolved: types, collections: collections) }
        bundleSchema = BundleSchema(types: types, collections: collections, catalogue: catalogue)
        declaredSubtypes = [:]
        for type in types.values {
            guard let base = type.base else { continue }
            guard types[base] != nil || (models?.contains(base) ?? false) || NSXTypeNames.shared.table.index(of: base) != nil else {
                let hint = closestMatch(to: base, in: Array(types.keys)).map { "; did you mean '\($0)'?" } ?? ""
                throw ConfigurationError(file: type.pack, message: "type '\(type.name)' names base '\(base)', which is no type of the packs nor of the NSX model\(hint)")
            }
            declaredSubtypes[base, default: []].insert(type.recognize?.resourceType ?? type.name)
        }
        kindNames = Set(recognizable.compactMap { type -> String? in
            guard let r = type.recognize else { return nil }
            if r.hrefPattern != nil { return type.name }
            if let name = r.resourceType { return name != "*" && types[name] != nil ? name : nil }
            return type.assumes ?? type.name
        }).sorted()
        memberTypes = [:]
        for type in types.values {
            for field in type.fields.values {
                var spec: FieldSpec? = field
                while let current = spec {
                    // A member type only the model has is read when an object first needs it
                    // (`memberType(of:)`): reading them all here was most of a small run.
                    if let member = current.member, let target = types[member] { memberTypes[ObjectIdentifier(current)] = target }
                    spec = current.items
                }
            }
        }
        nsxCandidates = [:]
        nsxWildcards = []
        let named = Set(recognizable.compactMap { $0.recognize?.hrefPattern == nil ? $0.recognize?.resourceType : nil }).subtracting(["*"])
        for (i, type) in recognizable.enumerated() {
            guard let r = type.recognize, let wanted = r.resourceType, r.hrefPattern == nil else { continue }
            if wanted == "*" {
                nsxWildcards.append(i)
                for name in named { nsxCandidates[name, default: []].append(i) }
            } else {
                nsxCandidates[wanted, default: []].append(i)
            }
        }
        let names = nsxCandidates.keys.sorted()
        nsxCandidateNames = NameTable(names)
        nsxCandidateLists = names.map { nsxCandidates[$0]! }
    }

    /// Checks a path against a type's fields, step by step through member types: a field a
    /// closed type does not declare is an error, and so is a dotted name anywhere (paths are
    /// written with '/'), which would otherwise never match. Returns the field the path ends
    /// at, when the types describe it.
    @discardableResult
    func checkPath(_ path: FieldPath, in type: TypeSpec) throws -> FieldSpec? {
        var current: TypeSpec? = type
        var field: FieldSpec?
        for (i, segment) in path.segments.enumerated() {
            guard let holder = current else { return nil }
            guard let found = holder.fields[segment] else {
                let walked = path.segments[..<i].joined(separator: "/")
                if segment.contains("."), case let steps = segment.split(separator: ".").map(String.init), holder.fields[steps[0]] != nil {
                    let meant = (walked.isEmpty ? "" : walked + "/") + steps.joined(separator: "/")
                    throw ConfigurationError(file: type.pack, position: path.position,
                                             message: "'\(path.text)' is not a field of \(holder.name): a path is written with '/'; did you mean '\(meant)'?")
                }
                if holder.closed {
                    let hint = closestMatch(to: segment, in: holder.fieldOrder).map { "; did you mean '\((walked.isEmpty ? "" : walked + "/") + $0)'?" } ?? ""
                    throw ConfigurationError(file: type.pack, position: path.position,
                                             message: "'\(path.text)': \(holder.name) has no field '\(segment)'\(hint)")
                }
                return nil
            }
            field = found
            current = found.member.flatMap { types[$0] }
        }
        return field
    }

    /// Checks every path of a predicate evaluated on an object of `type`; `contains` tests
    /// the elements of a list, as the list's member type.
    func checkPaths(_ predicate: Predicate, in type: TypeSpec) throws {
        switch predicate {
        case .all(let parts), .any(let parts): for part in parts { try checkPaths(part, in: type) }
        case .not(let inner): try checkPaths(inner, in: type)
        case .anyNonEmpty(let paths): for path in paths { try checkPath(path, in: type) }
        case .field(let path, let test):
            let field = try checkPath(path, in: type)
            switch test {
            case .compare(_, let other): try checkPath(other, in: type)
            case .contains(let inner):
                if let element = field?.items?.member.flatMap({ types[$0] }) { try checkPaths(inner, in: element) }
            default: break
            }
        }
    }

    /// Whether an NSX type is a subtype of another, as a pack declares (`base`) or as the NSX
    /// model lists it (`IPSecVpnSession` → `PolicyBasedIPSecVpnSession`), at any depth.
    func isSubtype(_ type: String, of base: String) -> Bool {
        var pending = [base], seen: Set<String> = [base]
        while let current = pending.popLast() {
            let direct = declaredSubtypes[current, default: []].union(NSXTypeNames.shared.subtypes[current] ?? [])
            if direct.contains(type) { return true }
            for next in direct where seen.insert(next).inserted { pending.append(next) }
        }
        return false
    }

    /// The indices in `recognizable` of the types that may claim an NSX object whose
    /// `resource_type` is this string node.
    func nsxCandidates(for resourceType: Int, in doc: JSONDocument) -> [Int] {
        nsxCandidateNames.index(of: resourceType, in: doc).map { nsxCandidateLists[$0] } ?? nsxWildcards
    }

    func rule(_ id: String) -> RuleDescription? { rules[id] }

    /// The type an object-valued field is checked as (`FieldSpec.member`). A field of a model
    /// type loaded on demand keeps its member type once found.
    func memberType(of field: FieldSpec) -> TypeSpec? {
        if let type = memberTypes[ObjectIdentifier(field)] { return type }
        if let found = field.resolvedMember.load() { return found.type }
        let type = field.member.flatMap { types[$0] ?? catalogue?.type(named: $0) }
        return field.resolvedMember.storeIfNil(ModelCatalogue.TypeBox(type)).type
    }

    /// A type of the model that a pack's type includes (`SecurityPolicy.model`): parsed now,
    /// and resolved like the packs' own types.
    private func modelType(_ name: String) throws -> TypeSpec? {
        guard let models, let index = models.index(of: name) else { return nil }
        return try models.parse(index)
    }

    /// The type of an NSX object that no pack type claims, from the vendor model.
    func modelType(for resourceType: Int, in doc: JSONDocument) -> TypeSpec? {
        catalogue?.type(for: resourceType, in: doc)
    }

    /// The kind closest to a misspelt one: a pack's kind or a type of the model.
    public func closestKind(to name: String) -> String? {
        closestMatch(to: name, in: kindNames + (models?.names ?? []))
    }

    /// A type by name, from the packs or the model.
    func type(named name: String) -> TypeSpec? { types[name] ?? catalogue?.type(named: name) }
}

/// Names a loop over every member of a document tests each key against, by its bytes: most
/// keys are turned away by their length and first and last bytes before any lookup.
struct KeyTable: Sendable {
    let names: NameTable
    /// For each first byte, and for each last byte, the lengths (modulo 64, as bits) of the
    /// names with that byte there: `resource_type` and `refresh_token` share their first byte
    /// and length, not their last byte.
    let lengthsByFirstByte: [UInt64]
    let lengthsByLastByte: [UInt64]

    init(_ names: [String]) {
        let unique = Array(Set(names)).sorted()
        self.names = NameTable(unique)
        var byFirst = [UInt64](repeating: 0, count: 256), byLast = byFirst
        for name in unique {
            guard let first = name.utf8.first, let last = name.utf8.last else { continue }
            let length: UInt64 = 1 << UInt64(name.utf8.count & 63)
            byFirst[Int(first)] |= length
            byLast[Int(last)] |= length
        }
        lengthsByFirstByte = byFirst
        lengthsByLastByte = byLast
    }

    /// The index of the name a key node holds; `first` is the key's first byte.
    @inline(__always)
    func index(of key: Int, first: UInt8, in doc: JSONDocument) -> Int? {
        let n = doc.nodes[key]
        // A key with escapes (rare) is decoded and looked up.
        if n.flags & JSONNode.hasEscapes != 0 { return names.index(of: key, in: doc) }
        let count = Int(n.end) - Int(n.start) - 2
        guard count > 0 else { return nil }
        let length: UInt64 = 1 << UInt64(count & 63)
        guard lengthsByFirstByte[Int(first)] & length != 0, lengthsByLastByte[Int(doc.bytes[Int(n.end) - 2])] & length != 0 else { return nil }
        return names.index(of: key, in: doc)
    }
}

/// The members and objects the document checks are given, as discovery finds them.
struct DocumentCheckSelection: Sendable {
    /// Every name a `members` or `objectsWith` given names.
    let keys: KeyTable
    /// For each of those names (by its index in `keys`), the document checks that name it.
    let checksByKey: [[Int]]
    /// The document checks given `anyString`.
    let anyString: [Int]
    /// The first bytes (as written, escapes not decoded) and the least length in bytes of the
    /// strings their pickers want: other strings are not offered to them.
    let stringFirstBytes: [Bool]
    let stringMinimumLength: Int

    init() { self.init([]) }

    init(_ checks: [CheckCall]) {
        let names = Array(Set(checks.flatMap { $0.given?.names ?? [] })).sorted()
        keys = KeyTable(names)
        var byKey = [[Int]](repeating: [], count: names.count)
        for (c, check) in checks.enumerated() {
            for name in check.given?.names ?? [] { byKey[keys.names.index(of: name)!].append(c) }
        }
        checksByKey = byKey
        anyString = checks.indices.filter { checks[$0].given?.anyString == true }
        let pickers = anyString.compactMap { checks[$0].function.picksString }
        var firstBytes = [Bool](repeating: false, count: 256)
        for picker in pickers { for byte in picker.firstBytes { firstBytes[Int(byte)] = true } }
        stringFirstBytes = firstBytes
        stringMinimumLength = pickers.map(\.minimumLength).min() ?? 0
    }
}
