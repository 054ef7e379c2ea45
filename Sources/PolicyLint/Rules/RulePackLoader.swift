/// A rule pack or configuration file that cannot be used, with where and why.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var position: SourcePosition?
    public var message: String
    public var description: String {
        if let position { return "\(file):\(position.line):\(position.column): \(message)" }
        return "\(file): \(message)"
    }
}

/// Reads a JSON file of our own (a rule pack, the configuration) strictly: unknown keys and
/// wrong types are errors with a position, so a typo in a pack never silently disables a rule.
struct StrictReader {
    let file: String
    let doc: JSONDocument
    let lines: LineIndex
    /// Compile regular expressions while loading (see PatternMatcher).
    var compilesPatterns = true

    init(file: String, bytes: [UInt8]) throws {
        self.file = file
        doc = JSONParser.parse(bytes)
        lines = LineIndex(bytes)
        if let problem = doc.problems.first {
            throw ConfigurationError(file: file, position: lines.position(of: problem.offset), message: problem.message)
        }
        guard doc.root != nil else { throw ConfigurationError(file: file, message: "empty file") }
    }

    func fail(_ node: Int, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, position: lines.position(of: doc.range(node).lowerBound), message: message)
    }

    /// A field path (`a/b/c`), with its position for the errors found when types are resolved.
    func path(_ node: Int, _ what: String) throws -> FieldPath {
        let text = try string(node, what)
        guard let path = FieldPath(text, position: lines.position(of: doc.range(node).lowerBound)) else {
            throw fail(node, "\(what) '\(text)' is not a field path: member names joined by '/', none empty (e.g. different_certificates_for_upstream/certificates)")
        }
        return path
    }

    /// An object's members by key, after checking that every key is one of `allowed`.
    func object(_ node: Int, allowed: [String], what: String) throws -> [String: Int] {
        guard doc.kind(node) == .object else { throw fail(node, "\(what) must be an object") }
        var result: [String: Int] = [:]
        for (key, value) in doc.members(node) {
            let name = doc.string(key)
            guard allowed.contains(name) else {
                let hint = closestMatch(to: name, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                throw fail(key, "unknown key '\(name)' in \(what) (allowed: \(allowed.joined(separator: ", ")))\(hint)")
            }
            result[name] = value
        }
        return result
    }

    func string(_ node: Int, _ what: String) throws -> String {
        guard doc.kind(node) == .string else { throw fail(node, "\(what) must be a string") }
        return doc.string(node)
    }

    func bool(_ node: Int, _ what: String) throws -> Bool {
        guard let value = doc.bool(node) else { throw fail(node, "\(what) must be true or false") }
        return value
    }

    func number(_ node: Int, _ what: String) throws -> Double {
        guard let value = doc.double(node) else { throw fail(node, "\(what) must be a number") }
        return value
    }

    func integer(_ node: Int, _ what: String) throws -> Int {
        let value = try number(node, what)
        guard value >= 0, value == value.rounded(), value < 1e15 else { throw fail(node, "\(what) must be a whole number ≥ 0") }
        return Int(value)
    }

    func strings(_ node: Int, _ what: String) throws -> [String] {
        guard doc.kind(node) == .array else { throw fail(node, "\(what) must be an array of strings") }
        return try doc.elements(node).map { try string($0, what) }
    }

    func array(_ node: Int, _ what: String) throws -> [Int] {
        guard doc.kind(node) == .array else { throw fail(node, "\(what) must be an array") }
        return Array(doc.elements(node))
    }

    func scalar(_ node: Int) throws -> ScalarValue {
        switch doc.kind(node) {
        case .string: return .string(doc.string(node))
        case .number: return .number(doc.double(node) ?? 0)
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .null: return .null
        default: throw fail(node, "expected a string, number, boolean or null")
        }
    }
}

/// Loads rule packs (the built-in ones, or `--rules DIR` files in the same format).
public enum RulePackLoader {
    /// `compilePatterns: false` defers compiling regular expressions to their first use: for
    /// the built-in packs, which the tests load with it true.
    public static func load(file: String, bytes: [UInt8], compilePatterns: Bool = true) throws -> RulePack {
        var reader = try StrictReader(file: file, bytes: bytes)
        reader.compilesPatterns = compilePatterns
        let top = try reader.object(reader.doc.root!, allowed: ["pack", "description", "model", "rules", "types", "collections", "documentChecks", "runChecks", "exportMarkers"], what: "a rule pack")
        guard let nameNode = top["pack"] else { throw reader.fail(0, "a rule pack needs \"pack\": its name") }
        let name = try reader.string(nameNode, "pack")
        let rules = try top["rules"].map { try reader.array($0, "rules").map { try rule($0, reader, pack: file) } } ?? []
        let model = try top["model"].map { try modelSource($0, reader) }
        let types = try top["types"].map { try reader.array($0, "types").map { try typeSpec($0, reader, pack: file, model: model) } } ?? []
        var pack = RulePack(name: name, rules: rules, types: types)
        pack.model = model
        pack.documentChecks = try top["documentChecks"].map { try reader.array($0, "documentChecks").map { try checkCall($0, reader, inDocumentChecks: true) } } ?? []
        pack.runChecks = try top["runChecks"].map { try reader.array($0, "runChecks").map { try checkCall($0, reader, inDocumentChecks: false, inRunChecks: true) } } ?? []
        pack.exportMarkers = try top["exportMarkers"].map { try reader.strings($0, "exportMarkers") } ?? []
        pack.collections = try top["collections"].map { try reader.array($0, "collections").map { try collection($0, reader) } } ?? []
        return pack
    }

    /// `"model": {"name": "VMware NSX Policy API 4.2 model", "exact": false}`: the pack's types
    /// describe a vendor's model of one version.
    static func modelSource(_ node: Int, _ r: StrictReader) throws -> ModelSource {
        let o = try r.object(node, allowed: ["name", "exact"], what: "model")
        guard let name = o["name"] else { throw r.fail(node, "a model needs \"name\": the vendor's model and version its findings name") }
        return ModelSource(name: try r.string(name, "name"), exact: try o["exact"].map { try r.bool($0, "exact") } ?? false)
    }

    static func collection(_ node: Int, _ r: StrictReader) throws -> PathCollection {
        let o = try r.object(node, allowed: ["segment", "root", "types", "predefined"], what: "a collection")
        guard (o["segment"] == nil) != (o["root"] == nil) else { throw r.fail(node, "a collection has a \"segment\" (the path step before an object's id) or a \"root\" (the path of its one object)") }
        guard let types = o["types"] else { throw r.fail(node, "a collection needs \"types\": the NSX types that live in it") }
        return PathCollection(segment: try o["segment"].map { try r.string($0, "segment") }, root: try o["root"].map { try r.string($0, "root") },
                              types: try r.strings(types, "types"), predefined: try o["predefined"].map { try r.bool($0, "predefined") } ?? false)
    }

    static func uniqueKey(_ node: Int, _ r: StrictReader) throws -> UniqueKey {
        let o = try r.object(node, allowed: ["field", "alsoBy", "rule", "message"], what: "a unique key")
        guard let field = o["field"], let rule = o["rule"], let message = o["message"] else {
            throw r.fail(node, "a unique key needs \"field\", \"rule\" and \"message\"")
        }
        return UniqueKey(field: try r.string(field, "field"), alsoBy: try o["alsoBy"].map { try r.strings($0, "alsoBy") } ?? [],
                         rule: try r.string(rule, "rule"), message: try r.string(message, "message"))
    }

    static func rule(_ node: Int, _ r: StrictReader, pack: String) throws -> RuleDescription {
        let o = try r.object(node, allowed: ["id", "level", "summary", "explanation", "source", "tags", "examples"], what: "a rule")
        func required(_ key: String) throws -> String {
            guard let n = o[key] else { throw r.fail(node, "a rule needs \"\(key)\"") }
            return try r.string(n, key)
        }
        let id = try required("id")
        guard id.contains("/"), !id.contains(" ") else { throw r.fail(o["id"]!, "a rule id is family/name, e.g. nsx/sequence-range") }
        let levelText = try required("level")
        guard let level = Level(rawValue: levelText) else { throw r.fail(o["level"]!, "level must be error, warning or note") }
        var examples: [RuleExample] = []
        if let e = o["examples"] {
            let eo = try r.object(e, allowed: ["valid", "invalid"], what: "examples")
            for (key, isValid) in [("valid", true), ("invalid", false)] {
                for item in try eo[key].map({ try r.array($0, key) }) ?? [] {
                    examples.append(try example(item, r, isValid: isValid))
                }
            }
        }
        return RuleDescription(id: id, level: level, summary: try required("summary"), explanation: try required("explanation"),
                               source: try required("source"), tags: try o["tags"].map { try r.strings($0, "tags") } ?? [],
                               examples: examples, pack: pack)
    }

    static func example(_ node: Int, _ r: StrictReader, isValid: Bool) throws -> RuleExample {
        if r.doc.kind(node) == .string { return RuleExample(json: r.doc.string(node), isValid: isValid, mode: nil, kind: nil, otherFiles: [:]) }
        let o = try r.object(node, allowed: ["json", "mode", "kind", "files"], what: "an example")
        guard let json = o["json"] else { throw r.fail(node, "an example needs \"json\"") }
        var mode: DocumentMode?
        if let m = o["mode"] {
            guard let parsed = DocumentMode(rawValue: try r.string(m, "mode")) else { throw r.fail(m, "mode must be exported or authored") }
            mode = parsed
        }
        var files: [String: String] = [:]
        if let f = o["files"] {
            for (k, v) in r.doc.members(f) { files[r.doc.string(k)] = try r.string(v, "files") }
        }
        return RuleExample(json: try r.string(json, "json"), isValid: isValid, mode: mode,
                           kind: try o["kind"].map { try r.string($0, "kind") }, otherFiles: files)
    }

    static func typeSpec(_ node: Int, _ r: StrictReader, pack: String, model: ModelSource? = nil) throws -> TypeSpec {
        let o = try r.object(node, allowed: ["name", "description", "recognize", "assumes", "include", "closed", "fields", "required", "conditions", "unique", "base", "checks"], what: "a type")
        guard let n = o["name"] else { throw r.fail(node, "a type needs \"name\"") }
        var recognizer: Recognizer?
        if let rn = o["recognize"] {
            let ro = try r.object(rn, allowed: ["resource_type", "href", "hasAll", "hasAny", "hasNone", "unless"], what: "recognize")
            let href = try ro["href"].map { try r.string($0, "href") }
            if let href, r.compilesPatterns, (try? Regex(href)) == nil { throw r.fail(ro["href"]!, "href is not a valid regular expression") }
            recognizer = Recognizer(resourceType: try ro["resource_type"].map { try r.string($0, "resource_type") }, hrefPattern: href,
                                    hasAll: try ro["hasAll"].map { try r.strings($0, "hasAll") } ?? [],
                                    hasAny: try ro["hasAny"].map { try r.strings($0, "hasAny") } ?? [],
                                    hasNone: try ro["hasNone"].map { try r.strings($0, "hasNone") } ?? [],
                                    unless: try ro["unless"].map { try predicate($0, r) },
                                    hrefMatcher: try href.map { try PatternMatcher($0, compileNow: false) })
        }
        var fields: [String: FieldSpec] = [:]
        var order: [String] = []
        let typeName = try r.string(n, "name")
        // A model type `X.model` (the model's X beside a hand-written X) is X in messages.
        let owner = typeName.hasSuffix(".model") ? String(typeName.dropLast(6)) : typeName
        if let f = o["fields"] {
            guard r.doc.kind(f) == .object else { throw r.fail(f, "fields must be an object") }
            for (k, v) in r.doc.members(f) {
                let name = r.doc.string(k)
                fields[name] = try field(v, r, origin: model.map { FieldOrigin(model: $0, owner: owner, field: name) })
                order.append(name)
            }
        }
        var type = TypeSpec(name: typeName, recognize: recognizer,
                            include: try o["include"].map { try r.strings($0, "include") } ?? [],
                            closed: try o["closed"].map { try r.bool($0, "closed") } ?? false,
                            fields: fields, fieldOrder: order,
                            required: try o["required"].map { try r.strings($0, "required") } ?? [],
                            conditions: try o["conditions"].map { try r.array($0, "conditions").map { try condition($0, r) } } ?? [],
                            pack: pack)
        type.checks = try o["checks"].map { try r.array($0, "checks").map { try checkCall($0, r, inDocumentChecks: false) } } ?? []
        if let a = o["assumes"] {
            guard let recognizer, recognizer.resourceType == nil, recognizer.hrefPattern == nil, !(recognizer.hasAll.isEmpty && recognizer.hasAny.isEmpty) else {
                throw r.fail(a, "\"assumes\" is for a type that recognises bare bodies by their fields (recognize with hasAll or hasAny, no resource_type or href)")
            }
            type.assumes = try r.string(a, "assumes")
        }
        type.base = try o["base"].map { try r.string($0, "base") }
        type.model = model
        type.uniqueKeys = try o["unique"].map { try r.array($0, "unique").map { try uniqueKey($0, r) } } ?? []
        return type
    }

    static let fieldKeys = ["type", "description", "enum", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems",
                            "pattern", "patternMeaning", "format", "readOnly", "deprecated", "deprecatedValues", "rule", "member", "items",
                            "exemptWhen", "secret", "formatChecks", "references", "limitSource"]

    /// `origin`: where a model pack's field comes from, for its findings' messages.
    static func field(_ node: Int, _ r: StrictReader, origin: FieldOrigin? = nil) throws -> FieldSpec {
        let o = try r.object(node, allowed: fieldKeys, what: "a field")
        var types: [JSONType] = []
        if let t = o["type"] {
            let names = r.doc.kind(t) == .array ? try r.strings(t, "type") : [try r.string(t, "type")]
            for name in names {
                guard let type = JSONType(rawValue: name) else {
                    throw r.fail(t, "unknown type '\(name)' (allowed: \(JSONType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                types.append(type)
            }
        }
        var pattern: PatternMatcher?
        if let p = o["pattern"] {
            do { pattern = try PatternMatcher(try r.string(p, "pattern"), compileNow: r.compilesPatterns) } catch let e as ConfigurationError { throw e } catch {
                throw r.fail(p, "pattern is not a valid regular expression")
            }
        }
        var patternMeaning: String?
        if let m = o["patternMeaning"] {
            guard o["pattern"] != nil else { throw r.fail(m, "patternMeaning says what a pattern means: give \"pattern\" too") }
            let text = try r.string(m, "patternMeaning")
            guard !text.allSatisfy(\.isWhitespace) else { throw r.fail(m, "patternMeaning must say in words what a matching value is") }
            patternMeaning = text
        }
        var format: ValueFormat?
        if let f = o["format"] {
            let name = try r.string(f, "format")
            guard let parsed = ValueFormat(rawValue: name) else {
                throw r.fail(f, "unknown format '\(name)' (allowed: \(ValueFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            format = parsed
        }
        var deprecatedValues: [String: String] = [:]
        if let d = o["deprecatedValues"] {
            guard r.doc.kind(d) == .object else { throw r.fail(d, "deprecatedValues must map each value to a replacement hint") }
            for (k, v) in r.doc.members(d) { deprecatedValues[r.doc.string(k)] = try r.string(v, "deprecatedValues") }
        }
        var formatChecks: [(format: ValueFormat, rule: String)] = []
        if let checks = o["formatChecks"] {
            for item in try r.array(checks, "formatChecks") {
                let co = try r.object(item, allowed: ["format", "rule"], what: "a format check")
                guard let fn = co["format"], let rn = co["rule"] else { throw r.fail(item, "a format check needs \"format\" and \"rule\"") }
                guard let f = ValueFormat(rawValue: try r.string(fn, "format")) else { throw r.fail(fn, "unknown format (allowed: \(ValueFormat.allCases.map(\.rawValue).joined(separator: ", ")))") }
                formatChecks.append((f, try r.string(rn, "rule")))
            }
        }
        var enumValues: [String]?
        if let e = o["enum"] { enumValues = try r.strings(e, "enum") }
        return FieldSpec(
            types: types, enumValues: enumValues,
            minimum: try o["minimum"].map { try r.number($0, "minimum") }, maximum: try o["maximum"].map { try r.number($0, "maximum") },
            minLength: try o["minLength"].map { try r.integer($0, "minLength") }, maxLength: try o["maxLength"].map { try r.integer($0, "maxLength") },
            minItems: try o["minItems"].map { try r.integer($0, "minItems") }, maxItems: try o["maxItems"].map { try r.integer($0, "maxItems") },
            pattern: pattern, patternMeaning: patternMeaning, format: format,
            readOnly: try o["readOnly"].map { try r.bool($0, "readOnly") } ?? false,
            deprecated: try o["deprecated"].map { try r.string($0, "deprecated") },
            deprecatedValues: deprecatedValues,
            rule: try o["rule"].map { try r.string($0, "rule") }, member: try o["member"].map { try r.string($0, "member") },
            items: try o["items"].map { try field($0, r, origin: origin) }, exemptWhen: try o["exemptWhen"].map { try predicate($0, r) },
            secret: try o["secret"].map { try r.bool($0, "secret") } ?? false, formatChecks: formatChecks,
            references: try o["references"].map { try r.string($0, "references") }, origin: origin,
            limitSource: try o["limitSource"].map { try r.string($0, "limitSource") })
    }

    static func condition(_ node: Int, _ r: StrictReader) throws -> Condition {
        let o = try r.object(node, allowed: ["rule", "when", "require", "forbid", "mode", "at", "message"], what: "a condition")
        guard let rule = o["rule"], let when = o["when"], let message = o["message"] else {
            throw r.fail(node, "a condition needs \"rule\", \"when\" and \"message\"")
        }
        var mode: DocumentMode?
        if let m = o["mode"] {
            guard let parsed = DocumentMode(rawValue: try r.string(m, "mode")) else { throw r.fail(m, "mode must be exported or authored") }
            mode = parsed
        }
        return Condition(rule: try r.string(rule, "rule"), when: try predicate(when, r),
                         require: try o["require"].map { try r.array($0, "require").map { try r.path($0, "require") } } ?? [],
                         forbid: try o["forbid"].map { try r.array($0, "forbid").map { try r.path($0, "forbid") } } ?? [],
                         mode: mode, at: try o["at"].map { try r.path($0, "at") }, message: try r.string(message, "message"))
    }

    static func predicate(_ node: Int, _ r: StrictReader) throws -> Predicate {
        let o = try r.object(node, allowed: ["all", "any", "not", "anyNonEmpty", "field", "equals", "notEquals", "in", "notIn", "orAbsent", "present", "absent",
                                             "nonEmpty", "greaterThan", "lessThan", "lessThanField", "greaterThanField", "equalsField", "notEqualsField",
                                             "countAtMost", "rangeWeight", "contains", "format"], what: "a predicate")
        if let all = o["all"] { return .all(try r.array(all, "all").map { try predicate($0, r) }) }
        if let any = o["any"] { return .any(try r.array(any, "any").map { try predicate($0, r) }) }
        if let not = o["not"] { return .not(try predicate(not, r)) }
        if let paths = o["anyNonEmpty"] { return .anyNonEmpty(try r.array(paths, "anyNonEmpty").map { try r.path($0, "anyNonEmpty") }) }
        guard let f = o["field"] else { throw r.fail(node, "a predicate is {\"all\"|\"any\": [...]}, {\"not\": ...}, {\"anyNonEmpty\": [paths]} or {\"field\": ..., test}") }
        let name = try r.path(f, "field")
        for comparison in Comparison.allCases {
            if let other = o[comparison.rawValue] { return .field(name, .compare(comparison, try r.path(other, comparison.rawValue))) }
        }
        if o["countAtMost"] == nil, let w = o["rangeWeight"] { throw r.fail(w, "rangeWeight goes with countAtMost") }
        if let v = o["countAtMost"] {
            return .field(name, .countAtMost(try r.integer(v, "countAtMost"), rangeWeight: try o["rangeWeight"].map { try r.integer($0, "rangeWeight") } ?? 1))
        }
        let orAbsent = try o["orAbsent"].map { try r.bool($0, "orAbsent") } ?? false
        if let v = o["equals"] { return .field(name, .isIn([try r.scalar(v)], orAbsent: orAbsent)) }
        if let v = o["in"] { return .field(name, .isIn(try r.array(v, "in").map { try r.scalar($0) }, orAbsent: orAbsent)) }
        if let v = o["notEquals"] { return .field(name, .notIn([try r.scalar(v)])) }
        if let v = o["notIn"] { return .field(name, .notIn(try r.array(v, "notIn").map { try r.scalar($0) })) }
        if o["present"] != nil { return .field(name, .present) }
        if o["absent"] != nil { return .field(name, .absent) }
        if o["nonEmpty"] != nil { return .field(name, .nonEmpty) }
        if let v = o["greaterThan"] { return .field(name, .greaterThan(try r.number(v, "greaterThan"))) }
        if let v = o["lessThan"] { return .field(name, .lessThan(try r.number(v, "lessThan"))) }
        if let v = o["contains"] { return .field(name, .contains(try predicate(v, r))) }
        if let v = o["format"] {
            guard let f = ValueFormat(rawValue: try r.string(v, "format")) else { throw r.fail(v, "unknown format (allowed: \(ValueFormat.allCases.map(\.rawValue).joined(separator: ", ")))") }
            return .field(name, .format(f))
        }
        throw r.fail(node, "a field predicate needs one of equals, notEquals, in, notIn, present, absent, nonEmpty, greaterThan, lessThan, lessThanField, greaterThanField, equalsField, notEqualsField, countAtMost, contains, format")
    }
}

extension RulePackLoader {
    /// A use of a check function: `{"function", "rule" | "rules", "options", "when", "mode",
    /// "message"}`, and `given` in `documentChecks`. The function, its options and the rules it
    /// may report are all checked here, with "did you mean".
    static func checkCall(_ node: Int, _ r: StrictReader, inDocumentChecks: Bool, inRunChecks: Bool = false) throws -> CheckCall {
        let keys = inRunChecks ? ["function", "rule", "rules", "options"]
            : ["function", "rule", "rules", "options", "when", "mode", "message"] + (inDocumentChecks ? ["given"] : [])
        let what = inDocumentChecks ? "a document check" : inRunChecks ? "a run check" : "a check"
        let o = try r.object(node, allowed: keys, what: what)
        guard let f = o["function"] else { throw r.fail(node, "\(what) needs \"function\": the name of a check function") }
        let name = try r.string(f, "function")
        guard let function = CheckFunctions.byName[name] else {
            let known = CheckFunctions.all.map(\.name)
            let hint = closestMatch(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            throw r.fail(f, "unknown check function '\(name)' (known: \(known.sorted().joined(separator: ", ")))\(hint)")
        }
        var given: CheckGiven?
        if inRunChecks != (function.target == .run) {
            throw r.fail(f, inRunChecks ? "check function '\(name)' is given one object or member, not the whole run: name it in a type's \"checks\" or the pack's \"documentChecks\""
                                        : "check function '\(name)' is given the whole run: name it in the pack's \"runChecks\"")
        }
        if inDocumentChecks {
            guard let g = o["given"] else { throw r.fail(node, "a document check needs \"given\": the members or objects it runs on") }
            given = try checkGiven(g, r, function: function)
        } else if function.target == .member {
            throw r.fail(f, "check function '\(name)' is given a member, not an object: name it in the pack's \"documentChecks\" with \"given\"")
        }

        let ruleNodes: [Int]
        switch (o["rule"], o["rules"]) {
        case let (rule?, nil): ruleNodes = [rule]
        case let (nil, rules?): ruleNodes = try r.array(rules, "rules")
        case (_?, _?): throw r.fail(node, "\(what) names \"rule\" or \"rules\", not both")
        case (nil, nil): throw r.fail(node, "\(what) needs \"rule\" or \"rules\": which of \(name)'s rules it reports (\(function.rules.joined(separator: ", ")))")
        }
        var rules: [String] = []
        for ruleNode in ruleNodes {
            let rule = try r.string(ruleNode, "rule")
            guard function.rules.contains(rule) else {
                let hint = closestMatch(to: rule, in: function.rules).map { "; did you mean '\($0)'?" } ?? ""
                throw r.fail(ruleNode, "check function '\(name)' does not report '\(rule)' (it reports \(function.rules.joined(separator: ", ")))\(hint)")
            }
            rules.append(rule)
        }
        guard !rules.isEmpty else { throw r.fail(o["rules"]!, "rules must name at least one rule") }

        var values: [String: CheckOptionValue] = [:]
        if let optionsNode = o["options"] {
            guard r.doc.kind(optionsNode) == .object else { throw r.fail(optionsNode, "options must be an object") }
            for (k, v) in r.doc.members(optionsNode) {
                let optionName = r.doc.string(k)
                guard let option = function.options.first(where: { $0.name == optionName }) else {
                    let names = function.options.map(\.name)
                    let hint = closestMatch(to: optionName, in: names).map { "; did you mean '\($0)'?" } ?? ""
                    let allowed = names.isEmpty ? "it takes none" : "it takes \(names.joined(separator: ", "))"
                    throw r.fail(k, "unknown option '\(optionName)' of check function '\(name)' (\(allowed))\(hint)")
                }
                values[optionName] = try optionValue(v, option, r)
            }
        }
        for option in function.options where values[option.name] == nil {
            guard let value = option.defaultValue else {
                throw r.fail(o["options"] ?? node, "check function '\(name)' needs the option '\(option.name)': \(option.description)")
            }
            values[option.name] = value
        }

        var mode: DocumentMode?
        if let m = o["mode"] {
            guard let parsed = DocumentMode(rawValue: try r.string(m, "mode")) else { throw r.fail(m, "mode must be exported or authored") }
            mode = parsed
        }
        var message: String?
        if let m = o["message"] {
            guard rules.count == 1 else { throw r.fail(m, "a message replaces the findings' own: only for \(what) that reports one rule") }
            message = try r.string(m, "message")
        }
        return CheckCall(function: function, rules: rules, body: function.make(CheckOptionValues(values: values, rules: rules)),
                         when: try o["when"].map { try predicate($0, r) }, mode: mode, message: message, given: given,
                         reportsAllRules: Set(rules) == Set(function.rules),
                         file: r.file, position: r.lines.position(of: r.doc.range(node).lowerBound))
    }

    static func optionValue(_ node: Int, _ option: CheckOption, _ r: StrictReader) throws -> CheckOptionValue {
        let what = "option '\(option.name)'"
        switch option.kind {
        case .string: return .string(try r.string(node, what))
        case .strings: return .strings(try r.strings(node, what))
        case .oneOf(let allowed):
            let value = try r.string(node, what)
            guard allowed.contains(value) else {
                let hint = closestMatch(to: value, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                throw r.fail(node, "\(what) is '\(value)', which is not one of \(allowed.joined(separator: ", "))\(hint)")
            }
            return .string(value)
        }
    }

    /// `{"members" | "objectsWith": [NAME…], "valueType": T, "secret": B, "marksConfiguration": B}`
    /// or `{"anyString": true, "secret": B}`.
    static func checkGiven(_ node: Int, _ r: StrictReader, function: CheckFunction) throws -> CheckGiven {
        let o = try r.object(node, allowed: ["members", "objectsWith", "anyString", "valueType", "secret", "marksConfiguration"], what: "given")
        var given = CheckGiven(names: [], perObject: false, anyString: false, valueKind: nil,
                               secret: try o["secret"].map { try r.bool($0, "secret") } ?? false,
                               marksConfiguration: try o["marksConfiguration"].map { try r.bool($0, "marksConfiguration") } ?? false)
        let chosen = ["members", "objectsWith", "anyString"].filter { o[$0] != nil }
        guard chosen.count == 1 else { throw r.fail(node, "given names one of members, objectsWith or anyString") }
        switch chosen[0] {
        case "members", "objectsWith":
            let n = o[chosen[0]]!
            given.names = try r.strings(n, chosen[0])
            guard !given.names.isEmpty else { throw r.fail(n, "\(chosen[0]) must name at least one member") }
            given.perObject = chosen[0] == "objectsWith"
        default:
            guard try r.bool(o["anyString"]!, "anyString") else { throw r.fail(o["anyString"]!, "anyString is true or left out") }
            guard function.picksString != nil else {
                throw r.fail(o["anyString"]!, "check function '\(function.name)' cannot pick string values; give it \"members\"")
            }
            given.anyString = true
            given.valueKind = .string
        }
        let wanted: CheckFunction.Target = given.perObject ? .object : .member
        guard function.target == wanted else {
            throw r.fail(node, function.target == .object
                ? "check function '\(function.name)' is given an object: use \"objectsWith\""
                : "check function '\(function.name)' is given a member: use \"members\" or \"anyString\"")
        }
        if let t = o["valueType"] {
            let kinds: [String: JSONKind] = ["object": .object, "array": .array, "string": .string, "number": .number, "null": .null]
            let name = try r.string(t, "valueType")
            guard let kind = kinds[name], !given.anyString else {
                throw r.fail(t, given.anyString ? "anyString gives string values already" : "valueType is one of \(kinds.keys.sorted().joined(separator: ", "))")
            }
            given.valueKind = kind
        }
        if let m = o["marksConfiguration"], given.marksConfiguration, !given.perObject {
            throw r.fail(m, "marksConfiguration is for objects: use it with \"objectsWith\"")
        }
        return given
    }
}

/// The closest candidate by edit distance, ignoring case, when it is close enough to be a
/// plausible typo: for "did you mean" hints.
public func closestMatch(to value: String, in candidates: [String], maxDistance: Int? = nil) -> String? {
    let lowered = value.lowercased()
    var best: (String, Int)?
    let limit = maxDistance ?? max(1, min(3, value.count / 3))
    // A candidate whose length differs from the value's by more than the limit cannot be within
    // it, and the distance is not computed: did-you-mean over a large export's paths compared
    // each with all 2,000 candidates, and an unknown 10 MB key with every field name.
    let asciiLength = value.utf8.allSatisfy { $0 < 0x80 } ? value.utf8.count : nil
    let scalarLength = lowered.unicodeScalars.count
    for candidate in candidates {
        if let asciiLength, candidate.utf8.allSatisfy({ $0 < 0x80 }), abs(candidate.utf8.count - asciiLength) > limit { continue }
        let other = candidate.lowercased()
        // The edit distance counts scalars, so it is at least the difference in scalars.
        if abs(other.unicodeScalars.count - scalarLength) > limit { continue }
        let d = editDistance(lowered, other)
        if best == nil || d < best!.1 { best = (candidate, d) }
    }
    guard let (match, distance) = best else { return nil }
    return distance <= limit ? match : nil
}

/// Levenshtein distance over Unicode scalars, in O(min) memory.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count), current = previous
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
