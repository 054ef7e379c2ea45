import Dispatch

/// How one run lints: the mode, a bare body's kind, and which rules report at which level.
public struct LintOptions: Sendable {
    /// nil: decide per document (exported when it carries read-only server fields).
    public var mode: DocumentMode?
    /// The type of a bare body at the top of a document (`--kind`).
    public var kind: String?
    /// A rule's level changed by configuration; `nil` turns the rule off.
    public var levels: [String: Level?] = [:]
    public var tlsProfile: TLSProfile = .intermediate
    /// `secret/weak-psk` below this many characters.
    public var pskMinimumLength = 16
    /// References into collections the bundle does not hold become notes (`--strict-refs`).
    public var strictReferences = false
    /// The kind of a bare body by file name, from the configuration's `kinds`; `kind` is for
    /// the other files.
    public var kindsByFile: [String: String] = [:]

    public init(mode: DocumentMode? = nil, kind: String? = nil, tlsProfile: TLSProfile = .intermediate) {
        self.mode = mode
        self.kind = kind
        self.tlsProfile = tlsProfile
    }
}

/// The outcome for one file.
public struct FileReport: Sendable {
    public var file: String
    public var byteCount: Int
    public var findings: [Finding]
    /// Objects checked, by type name, and objects of types no pack knows.
    public var checkedTypes: [String: Int]
    public var uncheckedTypes: [String: Int]
}

/// The engine: bytes → parse → discover → check → findings. Pure; it never prints.
public struct Linter: Sendable {
    public let ruleSet: RuleSet
    public var options: LintOptions

    public init(ruleSet: RuleSet, options: LintOptions = LintOptions()) {
        self.ruleSet = ruleSet
        self.options = options
    }

    public func lint(file: String, bytes: [UInt8]) -> FileReport {
        lint(bundle: [(file, bytes)])[0]
    }

    /// Lints the files of one run as a bundle: each file is checked on its own (on every core),
    /// then one index over all of them resolves references and finds duplicates across files.
    /// `progress` is called (from any thread) with the byte count of each file once checked.
    public func lint(bundle files: [(name: String, bytes: [UInt8])], progress: (@Sendable (Int) -> Void)? = nil) -> [FileReport] {
        let analyses = ParallelMap.map(files) { file in
            defer { progress?(file.bytes.count) }
            return analyze(file: file.name, bytes: file.bytes)
        }
        let extra = BundleIndex(strictReferences: options.strictReferences).check(analyses.map(\.facts))
        return ParallelMap.map(Array(analyses.enumerated())) { i, analysis in
            var report = analysis.report
            report.findings = place(analysis.issues + extra[i, default: []], doc: analysis.doc, file: report.file, secretRanges: analysis.secretRanges)
            return report
        }
    }

    /// What each of analyze's two parallel halves returns.
    enum AnalysisPart: @unchecked Sendable {
        case checks(CheckContext, [String: Int], [String: Int])
        case facts(BundleFacts)
    }

    /// One file parsed, discovered and checked; its issues not yet placed.
    struct FileAnalysis: @unchecked Sendable {
        var doc: JSONDocument
        var issues: [Issue]
        var secretRanges: [Range<Int>]
        var facts: BundleFacts
        var report: FileReport
    }

    func analyze(file: String, bytes: [UInt8]) -> FileAnalysis {
        let doc = JSONParser.parse(bytes)
        var context = CheckContext(doc: doc, mode: .authored, ruleSet: ruleSet)
        var issues = JSONChecks.syntaxIssues(doc)
        var checked: [String: Int] = [:], unchecked: [String: Int] = [:]
        var facts = BundleFacts()
        let kind = options.kindsByFile[file] ?? options.kind
        if let root = doc.root {
            // A large file's bundle facts are gathered on the other core while it is checked: both
            // only read the document. Below 1 MB it is not worth a thread (and the files of a
            // bundle already run in parallel). concurrentPerform runs on the calling thread too,
            // so this cannot wait for a busy pool.
            var gathered: BundleFacts?
            let gatherAside = bytes.count >= 1 << 20
            let parts = ParallelMap.map(gatherAside ? [false, true] : [false]) { isGather -> AnalysisPart in
                if isGather { return .facts(BundleFacts.gather(doc)) }
                var context = context, checked = checked, unchecked = unchecked
                let discovery = Discovery(ruleSet: ruleSet, kind: kind)
                let found = discovery.discover(&context, modeOverride: options.mode)
                context = CheckContext(doc: doc, mode: found.mode, ruleSet: ruleSet, issues: context.issues)
                context.secretRanges = found.secretRanges
                JSONChecks.duplicateKeys(&context)
                let checker = SchemaChecker(ruleSet: ruleSet)
                for resource in found.resources {
                    if let type = resource.type {
                        checker.check(resource.node, as: type, &context)
                        for check in resourceChecks where check.typeNames.contains(type.name) { check.check(resource.node, &context) }
                    }
                    if resource.type == nil || resource.isFallback {
                        unchecked[resource.typeName, default: 0] += 1
                    } else {
                        checked[resource.typeName, default: 0] += 1
                    }
                }
                let tls = TLSHygiene(profile: options.tlsProfile)
                for object in found.tlsObjects { tls.check(object, &context) }
                let secrets = SecretChecks(pskMinimumLength: options.pskMinimumLength)
                for member in found.secretMembers { secrets.check(key: member.key, value: member.value, &context) }
                for member in found.tokenMembers { secrets.checkValue(key: member.key, value: member.value, &context) }
                if !found.resources.contains(where: { $0.type != nil }) && found.tlsObjects.isEmpty {
                    let hint = kind == nil ? "; for a bare SPS body, name its kind with --kind" : ""
                    context.report("discovery/unknown-document",
                                   "no rules apply to this document: it holds no NSX object, SPS object or known configuration body that the rule packs check\(hint)",
                                   at: root)
                }
                return .checks(context, checked, unchecked)
            }
            for part in parts {
                switch part {
                case .checks(let c, let ch, let un): context = c; checked = ch; unchecked = un
                case .facts(let f): gathered = f
                }
            }
            facts = gathered ?? BundleFacts.gather(doc)
            issues += context.issues
        }
        let report = FileReport(file: file, byteCount: bytes.count, findings: [], checkedTypes: checked, uncheckedTypes: unchecked)
        return FileAnalysis(doc: doc, issues: issues, secretRanges: context.secretRanges, facts: facts, report: report)
    }

    /// Gives issues their level (or drops disabled rules), pointer, position and excerpt.
    func place(_ issues: [Issue], doc: JSONDocument, file: String, secretRanges: [Range<Int>]) -> [Finding] {
        guard !issues.isEmpty else { return [] }
        let lines = LineIndex(doc.bytes)
        // A parent for every node costs 4 bytes a node (a quarter of a large export's size);
        // a few findings find their ancestors by descending from the root instead.
        let parents = issues.count > 256 ? doc.parentIndex() : nil
        var findings: [Finding] = []
        var startCursor = LineIndex.Cursor(lines)
        for issue in issues.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            var level: Level
            if let configured = options.levels[issue.rule] {
                guard let configured else { continue }
                level = configured
            } else {
                level = ruleSet.rules[issue.rule]?.level ?? .error
            }
            if let override = issue.level { level = override }
            let anchor = issue.anchor ?? innermostContainer(doc, at: issue.range.lowerBound)
            var issue = issue
            if issue.range.isEmpty, let anchor = issue.anchor { issue.range = doc.range(anchor) }
            let start = startCursor.position(of: issue.range.lowerBound)
            var endCursor = startCursor
            let end = endCursor.position(of: issue.range.upperBound)
            // Messages quote the input; a cut keeps a 10 MB value from making a 10 MB message.
            var finding = Finding(ruleID: issue.rule, level: level, message: clipped(issue.message, 2000), file: file,
                                  pointer: anchor.map { pointer(to: $0, doc: doc, parents: parents) } ?? "",
                                  start: start, end: end, byteRange: issue.range)
            finding.excerpt = excerpt(issue.range, lines: lines, doc: doc, secretRanges: secretRanges)
            if var fix = issue.fix {
                fix.start = lines.position(of: fix.edit.range.lowerBound)
                fix.end = lines.position(of: fix.edit.range.upperBound)
                finding.fix = fix
            }
            // A finding about a whole object or list (a missing field, a condition) is known by its
            // rule and pointer alone: hashing every member would make an edit to an unrelated
            // field look like a new finding to a baseline or to code scanning.
            if let anchor, doc.kind(anchor) == .object || doc.kind(anchor) == .array {
                finding.valueHash = valueHash(0..<0, doc: doc, secretRanges: [], container: doc.kind(anchor) == .object ? "object" : "array")
            } else {
                finding.valueHash = valueHash(anchor.map { doc.range($0) } ?? issue.range, doc: doc, secretRanges: secretRanges)
            }
            findings.append(finding)
        }
        return findings.sorted(by: Finding.reportOrder)
    }

    func innermostContainer(_ doc: JSONDocument, at offset: Int) -> Int? {
        var best: Int?
        var node = 0
        // Descend: at each container, step to the child that holds the offset.
        while node < doc.nodes.count {
            let n = doc.nodes[node]
            guard Int(n.start) <= offset && (offset < Int(n.end) || n.isTruncated || n.end == 0) else { break }
            guard n.kind == .object || n.kind == .array else { break }
            best = node
            var next: Int?
            for child in doc.children(node) where Int(doc.nodes[child].start) <= offset {
                next = child
            }
            guard let child = next, doc.kind(child) == .object || doc.kind(child) == .array else { break }
            node = child
        }
        return best
    }

    /// RFC 6901 pointer of a node. An object's value node directly follows its key node.
    func pointer(to node: Int, doc: JSONDocument, parents: [Int32]?) -> String {
        var tokens: [String] = []
        var current = node
        // Without the index, the chain of containers from the root down to the node: at each
        // container, the child whose subtree holds it (siblings are skipped whole).
        var chain: [Int] = []
        if parents == nil {
            var container = 0
            while container != node {
                chain.append(container)
                guard let next = doc.children(container).first(where: { $0 <= node && node < Int(doc.nodes[$0].subtreeEnd) }) else { break }
                container = next
            }
        }
        func parentOf(_ node: Int) -> Int {
            if let parents { return Int(parents[node]) }
            return chain.popLast() ?? -1
        }
        while case let parent = parentOf(current), parent >= 0 {
            if doc.kind(parent) == .object {
                tokens.append(jsonPointerToken(doc.string(current - 1)))
            } else {
                var index = 0
                for child in doc.children(parent) { if child == current { break }; index += 1 }
                tokens.append(String(index))
            }
            current = parent
        }
        return tokens.reversed().map { "/" + $0 }.joined()
    }

    /// The finding's line, cut to a window around it, with credential values masked.
    func excerpt(_ range: Range<Int>, lines: LineIndex, doc: JSONDocument, secretRanges: [Range<Int>]) -> Excerpt? {
        let bytes = doc.bytes
        let lineRange = lines.lineRange(lines.lineNumber(of: min(range.lowerBound, bytes.count)))
        guard !lineRange.isEmpty || range.lowerBound >= bytes.count else { return nil }
        // Long (minified) lines: show about 60 columns before and 100 after the finding.
        var from = lineRange.lowerBound, to = lineRange.upperBound
        let clippedStart = range.lowerBound > from + 200
        if clippedStart { from = range.lowerBound - 60; while from < bytes.count && bytes[from] & 0xC0 == 0x80 { from += 1 } }
        let clippedEnd = to > max(range.lowerBound, from) + 200
        if clippedEnd { to = max(range.lowerBound, from) + 100; while to < lineRange.upperBound && bytes[to] & 0xC0 == 0x80 { to += 1 } }
        var text = clippedStart ? "…" : ""
        var column = clippedStart ? 2 : 1
        var caretColumn: Int?, caretEnd: Int?
        var i = from
        var run: [UInt8] = []
        func flush() { if !run.isEmpty { text += String(decoding: run, as: UTF8.self); run.removeAll() } }
        while i < to {
            if i == range.lowerBound { caretColumn = column }
            if i == range.upperBound { caretEnd = column }
            if let secret = secretRanges.first(where: { $0.lowerBound == i }) {
                // A string keeps its quotes; any other value (a number, a list) is masked whole.
                flush()
                let quoted = bytes[i] == UInt8(ascii: "\"") && secret.count >= 2
                text += quoted ? "\"***\"" : "***"
                column += quoted ? 5 : 3
                i = secret.upperBound
                continue
            }
            let b = bytes[i]
            run.append(b)
            if b & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        flush()
        if i == range.upperBound && caretEnd == nil { caretEnd = column }
        if caretColumn == nil { caretColumn = column }
        if caretEnd == nil || caretEnd! <= caretColumn! { caretEnd = range.upperBound > to ? column : caretColumn! + 1 }
        if clippedEnd { text += "…" }
        return Excerpt(text: text, caretColumn: caretColumn!, caretLength: max(1, caretEnd! - caretColumn!))
    }

    /// FNV-1a of the offending value; a credential contributes only its length, an object or a
    /// list (`container`) only its kind.
    func valueHash(_ range: Range<Int>, doc: JSONDocument, secretRanges: [Range<Int>], container: String? = nil) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        func mix(_ b: UInt8) { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        if let container {
            for b in "container:\(container)".utf8 { mix(b) }
        } else if secretRanges.contains(where: { $0.overlaps(range) }) {
            for b in "secret:\(range.count)".utf8 { mix(b) }
        } else {
            for i in range.clamped(to: 0..<doc.bytes.count) { mix(doc.bytes[i]) }
        }
        return hex(UInt32(hash >> 32), width: 8) + hex(UInt32(hash & 0xFFFF_FFFF), width: 8)
    }
}
