/// The `json/*` rules (catalogue section 2): syntax and encoding problems the parser found, and
/// keys repeated in one object.
enum JSONChecks {
    static func syntaxIssues(_ doc: JSONDocument) -> [Issue] {
        var issues: [Issue] = []
        for (i, problem) in doc.problems.enumerated() {
            var message = problem.message
            let isLast = i == doc.problems.count - 1
            if problem.kind == .syntax {
                if isLast && !doc.isComplete {
                    message += "; parsing stopped here, so the rest of the file was not checked"
                } else if i == 0 {
                    message += "; policylint read past it, so later results may be incomplete"
                }
            }
            let end = max(problem.endOffset, problem.offset + 1)
            issues.append(Issue(rule: problem.kind == .syntax ? "json/syntax" : "json/encoding", message: message,
                                anchor: nil, range: problem.offset..<min(end, max(doc.bytes.count, problem.offset + 1))))
        }
        return issues
    }

    /// Keys repeated in one object: NSX keeps one of them silently. `keys` are the object's keys
    /// and `signatures` theirs (`signature`, never 0 but for a key with escapes), gathered by
    /// discovery's pass over the members.
    static func duplicateKeys(_ keys: ArraySlice<Int>, _ signatures: ArraySlice<UInt64>, _ context: inout CheckContext) {
        let doc = context.doc
        guard keys.count > 1 else { return }
        if keys.count <= 16 {
            // Most objects repeat no key: a small set of the signatures shows it at a glance,
            // and only a possible repeat (or a key with escapes) compares pairs.
            let maybeRepeated = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 32) { slots -> Bool in
                slots.initialize(repeating: 0)
                for signature in signatures {
                    if signature == 0 { return true }
                    var slot = Int(truncatingIfNeeded: (signature &* 0x9E37_79B9_7F4A_7C15) >> 59)
                    while slots[slot] != 0 {
                        if slots[slot] == signature { return true }
                        slot = (slot + 1) & 31
                    }
                    slots[slot] = signature
                }
                return false
            }
            guard maybeRepeated else { return }
            let keys = Array(keys), signatures = Array(signatures)
            // Pairs are told apart by their signature words; only equal words compare the keys
            // (comparing every pair's bytes was most of this check).
            for j in 1..<keys.count {
                for i in 0..<j where (signatures[i] == signatures[j] || signatures[i] == 0 || signatures[j] == 0)
                    && sameKey(doc, keys[i], keys[j]) {
                    report(keys[j], first: keys[i], &context)
                    break
                }
            }
        } else {
            var seen: [String: Int] = [:]
            for key in keys {
                let name = doc.string(key)
                if let first = seen[name] { report(key, first: first, &context) } else { seen[name] = key }
            }
        }
    }

    static func report(_ key: Int, first: Int, _ context: inout CheckContext) {
        let doc = context.doc
        // The first key's position is named when the finding is placed: counting lines from the
        // start of the file here made many repeated keys in a large file quadratic.
        context.report("json/duplicate-key", "the key '\(clipped(doc.string(key)))' appears twice in this object (first at \(Issue.earlierPosition)); NSX keeps only one of them",
                       key: key, value: key + 1)
        context.issues[context.issues.count - 1].earlier = doc.range(first).lowerBound
    }

    /// A key's raw length (16 bits) and first six bytes, or 0 when it has escapes.
    static func signature(_ doc: JSONDocument, _ key: Int) -> UInt64 {
        let n = doc.nodes[key]
        guard n.flags & JSONNode.hasEscapes == 0 else { return 0 }
        let start = Int(n.start) + 1, length = max(0, Int(n.end) - Int(n.start) - 2)
        var word = UInt64(truncatingIfNeeded: length) << 48 | 1 << 63
        if length >= 8 {
            // Eight bytes in one load, two of them masked off.
            let bytes = doc.bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
            return word | bytes & 0xFFFF_FFFF_FFFF
        }
        for i in 0..<min(length, 6) { word |= UInt64(doc.bytes[start + i]) << (i * 8) }
        return word
    }

    static func sameKey(_ doc: JSONDocument, _ a: Int, _ b: Int) -> Bool {
        let ra = doc.range(a), rb = doc.range(b)
        let escaped = (doc.nodes[a].flags | doc.nodes[b].flags) & JSONNode.hasEscapes != 0
        if escaped { return doc.string(a) == doc.string(b) }
        guard ra.count == rb.count else { return false }
        return doc.bytes[ra].elementsEqual(doc.bytes[rb])
    }
}
