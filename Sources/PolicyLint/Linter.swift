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
    /// Which files are read as templates, their placeholders opaque values (`--template`).
    public var template: TemplateMode = .auto
    /// The kind of a bare body by file name, from the configuration's `kinds`; `kind` is for
    /// the other files.
    public var kindsByFile: [String: String] = [:]
    /// Told the name of each step of `lint(bundle:)` as it ends (`POLICYLINT_PHASE_TIMES`, for
    /// the benchmark's breakdown of a run).
    public var phaseObserver: (@Sendable (String) -> Void)?
    /// Told how long each run check (`runChecks`) took, in seconds: it runs beside the other
    /// checks, so the phases do not show it (`POLICYLINT_PHASE_TIMES`).
    public var durationObserver: (@Sendable (String, Double) -> Void)?
    /// Given the rule base in NSX's evaluation order, when a run check reads one (the HTML
    /// audit report's effective rule base).
    public var ruleBaseObserver: (@Sendable ([EffectiveRule]) -> Void)?
    /// False for a process that ends after one run (the command): the documents, their nodes
    /// and facts are then left for the process's end to reclaim. Freeing a large export's
    /// hundreds of thousands of objects one by one took longer than the kernel takes to reclaim
    /// them all (clang's -disable-free makes the same trade).
    public var freesDocuments = true

    public init(mode: DocumentMode? = nil, kind: String? = nil, tlsProfile: TLSProfile = .intermediate) {
        self.mode = mode
        self.kind = kind
        self.tlsProfile = tlsProfile
    }
}

extension RuleSet {
    /// Whether the packs declare a type of this name, the names `LintOptions.kind` may take.
    /// (Types themselves are the packs' business, not the API's.)
    public func declaresType(_ name: String) -> Bool { type(named: name) != nil }
}

/// The outcome for one file.
public struct FileReport: Sendable {
    public var file: String
    public var byteCount: Int
    public var findings: [Finding]
    /// Objects checked, by type name, and objects of types no pack knows.
    public var checkedTypes: [String: Int]
    public var uncheckedTypes: [String: Int]
    /// Of the checked objects, the bare bodies whose type was assumed from their fields.
    public var assumedTypes: [String: Int] = [:]
    /// The file holds no NSX object, SPS object or known configuration body (what
    /// `discovery/unknown-document` reports): a walk leaves such a file out as not a config.
    public var holdsNoObject = false
    /// The file was read as a template (`--template`): its unquoted placeholders are values
    /// no check judged, and of its `{% if %}` blocks only the first branch was read.
    public var readAsTemplate = false
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

    /// Lints the files of one run as a bundle, on every core, in three steps:
    /// 1. each file is parsed, then its objects discovered (repeated keys found on the way) and
    ///    its bundle facts gathered, a large document in pieces (`pieces`);
    /// 2. the discovered objects are checked in slices while one index over every file's facts
    ///    resolves references and finds duplicates across files;
    /// 3. each file's issues are placed (level, pointer, position, excerpt).
    /// `context` files (`--context`) join the bundle, so references into them resolve and
    /// duplicates with them are found, but they are not checked and get no report: the reports
    /// are `files`' alone, in their order. They come first in the bundle, so a duplicate between
    /// a context file and a named one is reported on the named one (the later definition).
    /// `progress` is called (from any thread) with the byte count of each file once scanned.
    public func lint(bundle files: [(name: String, bytes: [UInt8])], context: [(name: String, bytes: [UInt8])] = [],
                     progress: (@Sendable (Int) -> Void)? = nil) -> [FileReport] {
        let scans = ParallelMap.map(context + files) { file in
            defer { progress?(file.bytes.count) }
            return scan(file: file.name, bytes: file.bytes)
        }
        return lint(scans: scans, contextCount: context.count)
    }

    /// Context files scanned once for many runs: an editor lints one document again on every
    /// edit, against a workspace that has not changed.
    public struct PreparedContext: @unchecked Sendable {
        let scans: [FileScan]
    }

    /// Scans context files for `lint(bundle:prepared:)`, with this linter's options (the kinds
    /// the configuration gives files are part of a scan).
    public func prepare(context: [(name: String, bytes: [UInt8])]) -> PreparedContext {
        PreparedContext(scans: ParallelMap.map(context) { scan(file: $0.name, bytes: $0.bytes) })
    }

    /// `lint(bundle:context:)` with context scanned before.
    public func lint(bundle files: [(name: String, bytes: [UInt8])], prepared: PreparedContext) -> [FileReport] {
        lint(scans: prepared.scans + ParallelMap.map(files) { scan(file: $0.name, bytes: $0.bytes) }, contextCount: prepared.scans.count)
    }

    /// Steps 2 and 3 on scanned files, the context ones first.
    private func lint(scans: [FileScan], contextCount: Int) -> [FileReport] {
        options.phaseObserver?("scan")

        var tasks: [CheckTask] = [.bundleIndex]
        // A run check runs unless configuration turned every one of its rules off.
        for (c, call) in ruleSet.runChecks.enumerated() where call.rules.contains(where: { options.levels[$0] != .some(nil) }) {
            tasks.append(.runCheck(c))
        }
        for (f, scan) in scans.enumerated() where f >= contextCount {
            let slices = Self.pieces(scan.discovered.resources.count, count: pieceCount(scan.doc))
            for (i, slice) in slices.enumerated() {
                tasks.append(.resources(file: f, slice, andDocumentChecks: i == slices.count - 1))
            }
        }
        let outcomes = ParallelMap.map(tasks) { task -> CheckOutcome in
            switch task {
            case .bundleIndex:
                return .bundle(BundleIndex(strictReferences: options.strictReferences, schema: ruleSet.bundleSchema).check(scans.map(\.facts), reportedFrom: contextCount))
            case .resources(let f, let slice, let andDocumentChecks):
                return .checks(file: f, check(scans[f], resources: slice, andDocumentChecks: andDocumentChecks))
            case .runCheck(let c):
                let started = ContinuousClock.now
                let call = ruleSet.runChecks[c]
                let input = RunInput(files: scans.map { RunInput.File(name: $0.file, doc: $0.doc, resources: $0.discovered.resources, facts: $0.facts) },
                                     contextCount: contextCount, ruleBaseObserver: options.ruleBaseObserver)
                var issues = (call.body as! any RunCheckBody).check(run: input)
                for (f, list) in issues { issues[f] = list.filter { call.rules.contains($0.rule) } }
                let elapsed = ContinuousClock.now - started
                options.durationObserver?(call.function.name, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                return .bundle(issues)
            }
        }
        var checks = [CheckOutcome.Checks](repeating: CheckOutcome.Checks(), count: scans.count)
        var crossFile: [Int: [Issue]] = [:]
        for outcome in outcomes {
            switch outcome {
            case .bundle(let issues): crossFile.merge(issues, uniquingKeysWith: +)
            case .checks(let f, let part):
                checks[f].issues += part.issues
                checks[f].checked.merge(part.checked, uniquingKeysWith: +)
                checks[f].unchecked.merge(part.unchecked, uniquingKeysWith: +)
                checks[f].assumed.merge(part.assumed, uniquingKeysWith: +)
                checks[f].readOnlyFields.merge(part.readOnlyFields)
                checks[f].holdsNoObject = checks[f].holdsNoObject || part.holdsNoObject
            }
        }
        // A document taken for an export by its server fields: if it is in fact a body about to
        // be sent back (seed 001's warning), its read-only fields are the mistake. One note says
        // so, rather than one per field of every object of a large export.
        if options.mode == nil {
            for (f, scan) in scans.enumerated() where f >= contextCount && scan.mode == .exported {
                let tally = checks[f].readOnlyFields
                guard let first = tally.first else { continue }
                let more = tally.count > tally.names.count ? ", …" : ""
                checks[f].issues.append(Issue(
                    rule: "export/readonly-fields",
                    message: "this document carries \(tally.count) read-only field\(tally.count == 1 ? "" : "s") that NSX sets itself (\(tally.names.joined(separator: ", "))\(more)), so it is taken for a GET response; as a PUT or PATCH body it must not carry them: 'policylint fix --in-place' removes them (keeping _revision), and --mode exported says it is an export",
                    anchor: first.value, range: scan.doc.range(first.key)))
            }
        }
        options.phaseObserver?("check")

        let reports = ParallelMap.map(Array(scans.enumerated().dropFirst(contextCount))) { f, scan in
            var report = FileReport(file: scan.file, byteCount: scan.doc.bytes.count, findings: [],
                                    checkedTypes: checks[f].checked, uncheckedTypes: checks[f].unchecked, assumedTypes: checks[f].assumed,
                                    holdsNoObject: checks[f].holdsNoObject, readAsTemplate: scan.doc.isTemplate)
            report.findings = place(scan.issues + checks[f].issues + crossFile[f, default: []], doc: scan.doc, file: scan.file,
                                    secretRanges: scan.discovered.secretRanges)
            return report
        }
        options.phaseObserver?("place")
        if !options.freesDocuments { _ = Unmanaged.passRetained(KeptUntilExit(scans)) }
        return reports
    }

    /// What `freesDocuments = false` leaves to the end of the process.
    final class KeptUntilExit {
        let scans: [FileScan]
        init(_ scans: [FileScan]) { self.scans = scans }
    }

    /// A document of at least this many nodes (about 2 MB of JSON) is scanned and checked in
    /// `pieceCount` pieces: enough pieces that both cores stay busy when pieces differ in cost.
    /// (Tests lower it to cut small documents into pieces.)
    var nodesForPieces = 1 << 17
    static let pieceCount = 16

    func pieceCount(_ doc: JSONDocument) -> Int { doc.nodes.count >= nodesForPieces ? Self.pieceCount : 1 }

    /// `count` items cut into at most `pieces` consecutive ranges of nearly equal size.
    static func pieces(_ count: Int, count pieces: Int) -> [Range<Int>] {
        let n = max(1, min(pieces, count))
        return (0..<n).map { i in count * i / n..<count * (i + 1) / n }
    }

    /// One file parsed, its objects discovered and its bundle facts gathered.
    struct FileScan: @unchecked Sendable {
        var file: String
        var doc: JSONDocument
        var kind: String?
        var mode: DocumentMode
        var discovered: DiscoveryResult
        /// Syntax and discovery issues (duplicate keys among them).
        var issues: [Issue]
        var facts: BundleFacts
    }

    func scan(file: String, bytes: [UInt8]) -> FileScan {
        let doc = parse(file: file, bytes: bytes)
        let kind = options.kindsByFile[file] ?? options.kind
        let discovery = Discovery(ruleSet: ruleSet, kind: kind)
        let topLevel = Discovery.topLevelObjects(doc)
        // Every step here looks at each object on its own, so a large document is cut into
        // ranges of nodes that run on every core and are joined in document order.
        let ranges = Self.pieces(doc.nodes.count, count: pieceCount(doc))
        let parts = ParallelMap.map(ranges) { nodes -> (DiscoveryResult, BundleFacts) in
            (discovery.discover(doc, nodes: nodes, topLevel: topLevel), BundleFacts.gather(doc, nodes: nodes, schema: ruleSet.bundleSchema))
        }
        var discovered = DiscoveryResult(), facts = BundleFacts()
        if parts.count > 1 {
            // Joined at their size: growing by doubling copied, and faulted in, each list again.
            discovered.resources.reserveCapacityInHugePages(parts.reduce(0) { $0 + $1.0.resources.count })
            facts.objects.reserveCapacityInHugePages(parts.reduce(0) { $0 + $1.1.objects.count })
            facts.references.reserveCapacityInHugePages(parts.reduce(0) { $0 + $1.1.references.count })
        }
        for (found, gathered) in parts {
            discovered.append(found)
            facts.append(gathered)
        }
        // Bare bodies are known only once discovered: their facts as the type they were taken for.
        for resource in discovered.resources where resource.isBare && resource.type != nil {
            facts.gatherBare(resource.node, as: resource.typeName, schema: ruleSet.bundleSchema, doc)
        }
        let mode = options.mode ?? (discovered.exported ? .exported : .authored)
        let issues = JSONChecks.syntaxIssues(doc) + discovered.issues
        return FileScan(file: file, doc: doc, kind: kind, mode: mode, discovered: discovered, issues: issues, facts: facts)
    }

    /// The file as JSON, or as a template (TemplateReader). In `auto`, a file not named `*.j2`
    /// is parsed as plain JSON first, so plain JSON takes the path it always took, and is read
    /// again as a template only when that parse stopped at template syntax.
    func parse(file: String, bytes: [UInt8]) -> JSONDocument {
        switch options.template {
        case .none: return JSONParser.parse(bytes)
        case .jinja: return TemplateReader.parse(bytes)
        case .auto:
            if TemplateReader.isTemplateName(file) { return TemplateReader.parse(bytes) }
            let doc = JSONParser.parse(bytes)
            return !doc.problems.isEmpty && TemplateReader.stoppedAtTemplateSyntax(doc) ? TemplateReader.parse(bytes) : doc
        }
    }

    /// Step 2's work: the bundle index, or a slice of one file's discovered objects.
    enum CheckTask {
        case bundleIndex
        /// A pack's run check, by its index in `RuleSet.runChecks`.
        case runCheck(Int)
        /// `andDocumentChecks`: also the checks of the whole document (the packs' document
        /// checks, an unknown document), done once, by the file's last slice.
        case resources(file: Int, Range<Int>, andDocumentChecks: Bool)
    }

    enum CheckOutcome: @unchecked Sendable {
        struct Checks {
            var issues: [Issue] = []
            /// Objects checked, by type name, and objects of types no pack knows.
            var checked: [String: Int] = [:]
            var unchecked: [String: Int] = [:]
            var assumed: [String: Int] = [:]
            var readOnlyFields = ReadOnlyTally()
            var holdsNoObject = false
        }
        case bundle([Int: [Issue]])
        case checks(file: Int, Checks)
    }

    func check(_ scan: FileScan, resources slice: Range<Int>, andDocumentChecks: Bool) -> CheckOutcome.Checks {
        var outcome = CheckOutcome.Checks()
        guard let root = scan.doc.root else { return outcome }
        var context = CheckContext(doc: scan.doc, mode: scan.mode, ruleSet: ruleSet)
        context.settings = CheckSettings(tlsProfile: options.tlsProfile, pskMinimumLength: options.pskMinimumLength)
        let found = scan.discovered
        let checker = SchemaChecker(ruleSet: ruleSet)
        var pending: [(object: Int, type: TypeSpec)] = []
        // Objects of one type come in runs (a policy's rules): a type's count is kept for the
        // run, not looked up by name for every object.
        var runName = "", runChecked = false, runCount = 0
        func countRun() {
            guard runCount > 0 else { return }
            if runChecked { outcome.checked[runName, default: 0] += runCount } else { outcome.unchecked[runName, default: 0] += runCount }
        }
        for resource in found.resources[slice] {
            if let type = resource.type {
                checker.check(resource.node, as: type, &context, pending: &pending)
            }
            let isChecked = !(resource.type == nil || resource.isFallback)
            if resource.isAssumed { outcome.assumed[resource.typeName, default: 0] += 1 }
            if resource.typeName != runName || isChecked != runChecked {
                countRun()
                runName = resource.typeName; runChecked = isChecked; runCount = 0
            }
            runCount += 1
        }
        countRun()
        if andDocumentChecks {
            let documentChecks = ruleSet.documentChecks
            var holdsConfiguration = false
            for target in found.selected {
                let check = documentChecks[target.check]
                check.run(on: target.object, member: check.function.target == .member ? (target.key, target.value) : nil, &context)
                if check.given?.marksConfiguration == true { holdsConfiguration = true }
            }
            if !found.resources.contains(where: { $0.type != nil }) && !holdsConfiguration {
                outcome.holdsNoObject = true
                let hint = scan.kind == nil ? "; for a bare body, name its type with --kind (e.g. SecurityPolicy, sps.audit_policy)" : ""
                context.report("discovery/unknown-document",
                               "no rules apply to this document: it holds no NSX object, SPS object or known configuration body that the rule packs check\(hint)",
                               at: root)
            }
        }
        outcome.issues = context.issues
        outcome.readOnlyFields = context.readOnlyFields
        return outcome
    }

    /// Gives issues their level (or drops disabled rules), pointer, position and excerpt.
    func place(_ issues: [Issue], doc: JSONDocument, file: String, secretRanges: [Range<Int>]) -> [Finding] {
        guard !issues.isEmpty else { return [] }
        let lines = LineIndex(doc)
        // A parent for every node costs 4 bytes a node (a quarter of a large export's size);
        // a few findings find their ancestors by descending from the root instead.
        let parents = issues.count > 256 ? doc.parentIndex() : nil
        var elementIndexes: [Int: [Int: Int]] = [:]
        var findings: [Finding] = []
        var startCursor = LineIndex.Cursor(lines)
        for issue in issues.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            var level: Level
            if let configured = options.levels[issue.rule] {
                guard let configured else { continue }
                level = configured
            } else {
                level = ruleSet.rules[issue.rule]?.level ?? .error
                if let floor = issue.atLeast { level = max(level, floor) }
            }
            if let override = issue.level { level = override }
            if let ceiling = issue.atMost { level = min(level, ceiling) }
            let anchor = issue.anchor ?? innermostContainer(doc, at: issue.range.lowerBound)
            var issue = issue
            if issue.range.isEmpty, let anchor = issue.anchor { issue.range = doc.range(anchor) }
            let start = startCursor.position(of: issue.range.lowerBound)
            var endCursor = startCursor
            let end = endCursor.position(of: issue.range.upperBound)
            if let earlier = issue.earlier {
                var earlierCursor = startCursor
                let position = earlierCursor.position(of: earlier)
                issue.message = issue.message.replacing(Issue.earlierPosition, with: "line \(position.line), column \(position.column)")
            }
            // Messages quote the input; a cut keeps a 10 MB value from making a 10 MB message.
            var finding = Finding(ruleID: issue.rule, level: level, message: clipped(issue.message, 2000), file: file,
                                  pointer: anchor.map { pointer(to: $0, doc: doc, parents: parents, elementIndexes: &elementIndexes) } ?? "",
                                  start: start, end: end, byteRange: issue.range)
            finding.excerpt = excerpt(issue.range, lines: lines, doc: doc, secretRanges: secretRanges)
            if var fix = issue.fix {
                var fixCursor = startCursor
                fix.start = fixCursor.position(of: fix.edit.range.lowerBound)
                fix.end = fixCursor.position(of: fix.edit.range.upperBound)
                finding.fix = fix
            }
            finding.related = issue.related
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
    /// `elementIndexes` (with `parents`): each array's element positions, found once per array
    /// and kept across the findings of a document. Counting siblings for every finding made
    /// 30,000 findings in one list quadratic (12 s in a debug build).
    func pointer(to node: Int, doc: JSONDocument, parents: [Int32]?, elementIndexes: inout [Int: [Int: Int]]) -> String {
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
            } else if parents != nil {
                if elementIndexes[parent] == nil {
                    var positions: [Int: Int] = [:]
                    for (index, child) in doc.children(parent).enumerated() { positions[child] = index }
                    elementIndexes[parent] = positions
                }
                tokens.append(String(elementIndexes[parent]![current]!))
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
