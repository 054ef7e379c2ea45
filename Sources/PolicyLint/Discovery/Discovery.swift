#if canImport(Glibc)
import Glibc
#endif

/// A typed object found in a document.
struct Resource {
    /// The object checked (an SPS object's `body`).
    var node: Int
    /// The name shown in the summary: an NSX `resource_type` or an SPS kind.
    var typeName: String
    /// The pack type that checks it; nil when no pack knows the type.
    var type: TypeSpec?
    /// Checked only by a catch-all type (the common NSX fields).
    var isFallback = false
    /// A bare body (no `resource_type`, no SPS wrapper), of a kind given or recognised.
    var isBare = false
    /// A bare body taken to be `typeName` from its fields alone (no kind given): the summary
    /// says so.
    var isAssumed = false
}

/// What discovery learns about a document.
struct DiscoveryResult {
    var resources: [Resource] = []
    var secretRanges: [Range<Int>] = []
    /// What the packs' document checks are given, in document order.
    var selected: [DocumentCheckTarget] = []
    /// The document carries a marker of an export (`RuleSet.exportMarkers`): it is a GET response.
    var exported = false
    /// Issues found while discovering (a wrapper holding the wrong type, a path not ending in its id…).
    var issues: [Issue] = []

    /// Joins the results of consecutive pieces of one document, in document order.
    mutating func append(_ other: DiscoveryResult) {
        resources += other.resources
        secretRanges += other.secretRanges
        selected += other.selected
        exported = exported || other.exported
        issues += other.issues
    }
}

/// A member or object a document check (`RuleSet.documentChecks`) is given.
struct DocumentCheckTarget {
    var check: Int
    var object: Int
    var key: Int
    var value: Int
}

/// Finds every object the packs know, wherever it sits (catalogue section 1): NSX objects and
/// their `Child*` wrappers, NSX lists, SPS objects and lists, and bare bodies at the top; and
/// the members the packs' document checks are given. One pass over the nodes, no recursion.
struct Discovery {
    let ruleSet: RuleSet
    /// `--kind`: the type of a bare body at the top of the document.
    let kind: String?

    /// Discovers the objects among `nodes`, a piece of the document (pieces run on every core;
    /// each object is looked at by the piece that holds its node). `topLevel`: `topLevelObjects`.
    func discover(_ doc: JSONDocument, nodes: Range<Int>, topLevel: Set<Int>) -> DiscoveryResult {
        var result = DiscoveryResult()
        // Discovery reports through a context of its own; the mode is not known yet and no
        // discovery check depends on it.
        var context = CheckContext(doc: doc, mode: .authored, ruleSet: ruleSet)
        var exported = false
        let selection = ruleSet.documentCheckSelection, markers = ruleSet.exportMarkers
        let picksStrings = !selection.anyString.isEmpty
        // Whether a string value may be one a string-picking check wants (a few bytes read).
        func mayPick(_ v: Int) -> Bool {
            let n = doc.nodes[v]
            guard n.kind == .string, Int(n.end) - Int(n.start) - 2 >= selection.stringMinimumLength, n.end > n.start + 2 else { return false }
            return selection.stringFirstBytes[Int(doc.bytes[Int(n.start) + 1])]
        }

        // Each object's keys and their signatures, for repeated keys (one pass over the members
        // serves both; a pass of its own cost a twelfth of a run).
        // (Overwritten in place: emptying them for each object cost more than filling them.)
        var keys: [Int] = [], signatures: [UInt64] = [], keyCount = 0
        var modelTypes = RecentModelTypes()
        for node in nodes where doc.kind(node) == .object {
            keyCount = 0
            var resourceType: Int?
            var body: Int?, meta: Int?, key: Int?
            for (k, v) in doc.members(node) {
                if keyCount < keys.count {
                    keys[keyCount] = k
                    signatures[keyCount] = JSONChecks.signature(doc, k)
                } else {
                    keys.append(k)
                    signatures.append(JSONChecks.signature(doc, k))
                }
                keyCount += 1
                // Keys are compared by their first byte before decoding: most keys miss every test.
                let first = doc.bytes[Int(doc.nodes[k].start) + 1]
                if !exported, markers.index(of: k, first: first, in: doc) != nil { exported = true }
                if first == UInt8(ascii: "r"), doc.stringEquals(k, "resource_type"), doc.kind(v) == .string { resourceType = v }
                if first == UInt8(ascii: "b"), doc.stringEquals(k, "body"), doc.kind(v) == .object { body = v }
                if first == UInt8(ascii: "m"), doc.stringEquals(k, "meta"), doc.kind(v) == .object { meta = v }
                if first == UInt8(ascii: "k"), doc.rawStringIs(k, "key") { key = v }
                // A value a check takes by its key is not also sniffed (a credential is no token).
                let taken = selection.keys.index(of: k, first: first, in: doc)
                    .map { select(node, key: k, value: v, checks: selection.checksByKey[$0], doc, &result) } ?? false
                if !taken, picksStrings, mayPick(v) {
                    _ = select(node, key: k, value: v, checks: selection.anyString, doc, &result)
                }
            }
            JSONChecks.duplicateKeys(keys[..<keyCount], signatures[..<keyCount], &context)
            if let resourceType {
                discoverNSX(node, resourceType: resourceType, &modelTypes, &context, &result)
            } else if let body, let meta, let href = doc.member(meta, "href"), doc.kind(href) == .string {
                discoverSPS(wrapper: node, body: body, href: href, doc, &result)
            } else if body == nil, let meta, let key, doc.kind(key) == .string, let href = doc.member(meta, "href"), doc.kind(href) == .string {
                // A reference to an SPS object: no bare body (`href-ends-with-key` checks it).
            } else if topLevel.contains(node) {
                // A `body` with no meta.href (seed 002's sample responses) has no kind in an href:
                // its body is recognised like a bare body.
                discoverBare(body ?? node, doc, &result)
            }
        }
        result.issues = context.issues
        result.exported = exported
        return result
    }

    /// The objects where a bare body may stand: the root, and the elements of a top-level array
    /// or list (`results`, `items`).
    static func topLevelObjects(_ doc: JSONDocument) -> Set<Int> {
        guard let root = doc.root else { return [] }
        var nodes: Set<Int> = [root]
        var lists: [Int] = []
        if doc.kind(root) == .array { lists.append(root) }
        if doc.kind(root) == .object {
            for name in ["results", "items"] { if let list = doc.member(root, name), doc.kind(list) == .array { lists.append(list) } }
        }
        for list in lists { for element in doc.elements(list) where doc.kind(element) == .object { nodes.insert(element) } }
        return nodes
    }

    /// Keeps a member for the document checks that name it (or, for `anyString`, whose
    /// function picks its value): an `objectsWith` check takes each object once.
    /// Whether any check took it.
    func select(_ object: Int, key: Int, value: Int, checks: [Int], _ doc: JSONDocument, _ result: inout DiscoveryResult) -> Bool {
        var masked = false, taken = false
        for c in checks {
            let call = ruleSet.documentChecks[c]
            guard let given = call.given else { continue }
            if let kind = given.valueKind, kind != doc.kind(value) { continue }
            if given.anyString, !(call.function.picksString?.picks(doc, value) ?? false) { continue }
            // This object's targets are the last ones kept.
            taken = true
            if given.perObject, result.selected.reversed().prefix(while: { $0.object == object }).contains(where: { $0.check == c }) { continue }
            if given.secret && !masked { result.secretRanges.append(doc.range(value)); masked = true }
            result.selected.append(DocumentCheckTarget(check: c, object: object, key: key, value: value))
        }
        return taken
    }

    func discoverNSX(_ node: Int, resourceType: Int, _ modelTypes: inout RecentModelTypes, _ context: inout CheckContext, _ result: inout DiscoveryResult) {
        let doc = context.doc
        if doc.rawStringHasPrefix(resourceType, "Child") {
            let name = doc.string(resourceType)
            if name == "ChildResourceReference" { return }
            if name.utf8.count > 5 {
                checkWrapper(node, wrapperType: resourceType, &context)
                return
            }
        }
        var match: Int?
        for candidate in ruleSet.nsxCandidates(for: resourceType, in: doc)
        where !ruleSet.recognizerReadsFields[candidate] || fieldsMatch(ruleSet.recognizers[candidate], node, doc) {
            match = candidate
            break
        }
        let isFallback = match.map { ruleSet.recognizers[$0].resourceType == "*" } ?? false
        // A type no pack claims is checked as the vendor model has it.
        if match == nil || isFallback {
            let name = doc.string(resourceType)
            if let modelType = modelTypes.type(named: name, resourceType, doc, ruleSet) {
                result.resources.append(Resource(node: node, typeName: name, type: modelType))
                return
            }
        }
        // An NSX type neither a pack nor the model knows still gets the common NSX fields (the
        // `*` type), but the summary lists it as a type without rules of its own.
        result.resources.append(Resource(node: node, typeName: doc.string(resourceType), type: match.map { ruleSet.recognizable[$0] },
                                         isFallback: isFallback))
    }

    /// `{"resource_type": "ChildX", "X": {...}}`: the wrapped object must be an X.
    func checkWrapper(_ node: Int, wrapperType: Int, _ context: inout CheckContext) {
        let doc = context.doc
        for (k, v) in doc.members(node) where doc.kind(v) == .object {
            guard let innerType = doc.member(v, "resource_type"), doc.kind(innerType) == .string else { continue }
            // Compared on the bytes first: the wrapper's type is `Child` + the inner one's.
            if wrapsItsOwnType(wrapperType, innerType, doc) { continue }
            let expected = String(doc.string(wrapperType).dropFirst(5))
            let inner = doc.string(innerType)
            let key = doc.string(k)
            if inner != expected && !ruleSet.isSubtype(inner, of: expected) {
                let what = key == expected ? "wraps" : "holds '\(key)', which is"
                context.report("nsx/child-type-mismatch",
                               "'\(doc.string(wrapperType))' \(what) a '\(inner)'; a Child\(expected) wrapper must hold a '\(expected)' (or a subtype of it) under the key '\(expected)'",
                               at: innerType)
            }
        }
    }

    /// Whether both type names are plain bytes and the wrapper's is `Child` + the inner one's.
    func wrapsItsOwnType(_ wrapperType: Int, _ innerType: Int, _ doc: JSONDocument) -> Bool {
        let w = doc.nodes[wrapperType], i = doc.nodes[innerType]
        guard (w.flags | i.flags) & JSONNode.hasEscapes == 0 else { return false }
        let innerLength = Int(i.end) - Int(i.start) - 2
        guard Int(w.end) - Int(w.start) - 2 == innerLength + 5 else { return false }
        return doc.bytes.withUnsafeBufferPointer { b in
            memcmp(b.baseAddress! + Int(w.start) + 6, b.baseAddress! + Int(i.start) + 1, innerLength) == 0
        }
    }

    func discoverSPS(wrapper: Int, body: Int, href: Int, _ doc: JSONDocument, _ result: inout DiscoveryResult) {
        let hrefText = doc.string(href)
        let type = ruleSet.recognizable.first { type in
            guard let matcher = type.recognize?.hrefMatcher else { return false }
            return matcher.matches(hrefText)
        }
        result.resources.append(Resource(node: body, typeName: type?.name ?? "SPS object", type: type))
    }

    func discoverBare(_ node: Int, _ doc: JSONDocument, _ result: inout DiscoveryResult) {
        if let kind {
            result.resources.append(Resource(node: node, typeName: kind, type: ruleSet.type(named: kind), isBare: true))
            return
        }
        let type = ruleSet.recognizable.first { type in
            guard let r = type.recognize, r.resourceType == nil, r.hrefPattern == nil || !(r.hasAll.isEmpty && r.hasAny.isEmpty) else { return false }
            guard !(r.hasAll.isEmpty && r.hasAny.isEmpty) else { return false }
            return fieldsMatch(r, node, doc)
        }
        guard let type else { return }
        // A recogniser that declares nothing of its own checks the body as the type it assumes,
        // read from the model only now (reading every such type at start cost a small run a third).
        let declaresNothing = type.fieldOrder.isEmpty && type.conditions.isEmpty && type.checks.isEmpty
        let checkedAs = declaresNothing ? type.assumes.flatMap(ruleSet.type(named:)) ?? type : type
        result.resources.append(Resource(node: node, typeName: type.assumes ?? type.name, type: checkedAs, isBare: true, isAssumed: true))
    }

    func fieldsMatch(_ r: Recognizer, _ node: Int, _ doc: JSONDocument) -> Bool {
        r.hasAll.allSatisfy { doc.member(node, $0) != nil }
            && (r.hasAny.isEmpty || r.hasAny.contains { doc.member(node, $0) != nil })
            && !r.hasNone.contains { doc.member(node, $0) != nil }
            && !(r.unless.map { CheckContext(doc: doc, mode: .authored, ruleSet: ruleSet).holds($0, on: node) } ?? false)
    }
}

/// The model types of the last few `resource_type` names met: an export names a handful of
/// types a hundred thousand times, and finding one among the model's thousands is a search.
struct RecentModelTypes {
    var names: [String] = [], types: [TypeSpec?] = []
    var last = -1

    mutating func type(named name: String, _ node: Int, _ doc: JSONDocument, _ ruleSet: RuleSet) -> TypeSpec? {
        if last >= 0 && names[last] == name { return types[last] }
        if let i = names.firstIndex(of: name) { last = i; return types[i] }
        let type = ruleSet.modelType(for: node, in: doc)
        if names.count < 16 { names.append(name); types.append(type); last = names.count - 1 }
        return type
    }
}
