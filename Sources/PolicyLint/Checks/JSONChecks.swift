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

    /// Keys repeated in one object: NSX keeps one of them silently. Looks at the objects among
    /// `nodes`, a piece of the document.
    static func duplicateKeys(_ context: inout CheckContext, nodes: Range<Int>) {
        let doc = context.doc
        var keys: [Int] = []
        // Each key's length and first bytes in one word (0 for a key with escapes, which is
        // always compared in full): pairs are told apart by comparing words, and only equal
        // words compare the keys (comparing every pair's bytes was most of this check).
        var signatures: [UInt64] = []
        for node in nodes where doc.kind(node) == .object {
            keys.removeAll(keepingCapacity: true)
            for (key, _) in doc.members(node) { keys.append(key) }
            guard keys.count > 1 else { continue }
            if keys.count <= 16 {
                signatures.removeAll(keepingCapacity: true)
                for key in keys { signatures.append(signature(doc, key)) }
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
    }

    static func report(_ key: Int, first: Int, _ context: inout CheckContext) {
        let doc = context.doc
        let position = LineIndex.approximateDescription(of: doc.range(first).lowerBound, in: doc.bytes)
        context.report("json/duplicate-key", "the key '\(clipped(doc.string(key)))' appears twice in this object (first at \(position)); NSX keeps only one of them",
                       key: key, value: key + 1)
    }

    /// A key's raw length (16 bits) and first six bytes, or 0 when it has escapes.
    static func signature(_ doc: JSONDocument, _ key: Int) -> UInt64 {
        let n = doc.nodes[key]
        guard n.flags & JSONNode.hasEscapes == 0 else { return 0 }
        let start = Int(n.start) + 1, length = max(0, Int(n.end) - Int(n.start) - 2)
        var word = UInt64(truncatingIfNeeded: length) << 48 | 1 << 63
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

extension LineIndex {
    /// "line L, column C" without building a whole index (for a message about another place).
    static func approximateDescription(of offset: Int, in bytes: [UInt8]) -> String {
        var line = 1, lineStart = 0
        // Lines end as LineIndex ends them: `\n`, `\r\n` or a lone `\r` (counting only `\n` put
        // the first key of a file with classic Mac line ends on line 1).
        for i in 0..<offset where bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
            line += 1; lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        if line == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { column -= 1 }
        return "line \(line), column \(column)"
    }
}
