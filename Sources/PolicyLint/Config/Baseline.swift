/// The findings a repository already had when it adopted policylint: `--baseline` reports only
/// the others. A finding is known by its file, rule, JSON pointer and a hash of its value, never
/// by its line, so an edit elsewhere in the file does not bring an old finding back. Paths are
/// relative to the baseline file's folder, so it means the same wherever policylint runs from.
public struct Baseline: Sendable, Equatable {
    public struct Entry: Sendable, Hashable, Comparable {
        public var file: String
        public var rule: String
        public var pointer: String
        public var valueHash: String

        init(file: String, rule: String, pointer: String, valueHash: String) {
            self.file = file; self.rule = rule; self.pointer = pointer; self.valueHash = valueHash
        }

        /// By file, pointer, rule: an order that does not change when lines move, so a
        /// rewritten baseline diffs cleanly.
        public static func < (a: Entry, b: Entry) -> Bool {
            (a.file, a.pointer, a.rule, a.valueHash) < (b.file, b.pointer, b.rule, b.valueHash)
        }
    }

    static let version = 1
    public var entries: [Entry]

    init(entries: [Entry]) { self.entries = entries.sorted() }

    /// Whether a baseline may hold findings of this rule: never those about policylint's own
    /// configuration (`config/*`). An expired ignore's warning written into a baseline would
    /// silence the expiry the ignore was given so that someone looks again.
    static func holds(ruleID: String) -> Bool { !ruleID.hasPrefix("config/") }

    /// The unsuppressed findings of a run (suppressed ones are the configuration's business),
    /// except those about the configuration itself.
    public init(reports: [FileReport], folder: String, workingDirectory: String) {
        var entries: [Entry] = []
        for report in reports {
            let file = ProjectPath.relative(report.file, to: folder, workingDirectory: workingDirectory)
            for f in report.findings where f.suppression == nil && Self.holds(ruleID: f.ruleID) {
                entries.append(Entry(file: file, rule: f.ruleID, pointer: f.pointer, valueHash: f.valueHash))
            }
        }
        self.init(entries: entries)
    }

    /// Whether `bytes` are a policylint baseline (a valid one, by its shape), so a directory walk
    /// can leave it out: it is policylint's own file, not an appliance's configuration. The
    /// object's first key is looked at first, so an export is never parsed twice.
    public static func recognizes(_ bytes: [UInt8]) -> Bool {
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipSpace()
        let rest = bytes[i...]
        guard rest.starts(with: Array(#""version""#.utf8)) || rest.starts(with: Array(#""findings""#.utf8)) else { return false }
        return (try? load(file: "", bytes: bytes)) != nil
    }

    public static func load(file: String, bytes: [UInt8]) throws -> Baseline {
        let r = try StrictReader(file: file, bytes: bytes)
        let top = try r.object(r.doc.root!, allowed: ["version", "findings"], what: "a baseline")
        guard let v = top["version"], try r.integer(v, "\"version\"") == version else {
            throw r.fail(top["version"] ?? r.doc.root!, "a baseline needs \"version\": \(version) (write one with --write-baseline FILE)")
        }
        var entries: [Entry] = []
        for node in try top["findings"].map({ try r.array($0, "\"findings\"") }) ?? [] {
            let o = try r.object(node, allowed: ["file", "rule", "pointer", "valueHash"], what: "a baseline entry")
            func field(_ key: String) throws -> String {
                guard let n = o[key] else { throw r.fail(node, "a baseline entry needs \"\(key)\"") }
                return try r.string(n, "\"\(key)\"")
            }
            entries.append(Entry(file: try field("file"), rule: try field("rule"), pointer: try field("pointer"), valueHash: try field("valueHash")))
        }
        return Baseline(entries: entries)
    }

    /// The baseline file's text: one entry per line, so reviews see exactly what was accepted.
    public func render() -> String {
        var w = JSONText()
        w.object { w in
            w.field("version", Self.version)
            w.key("findings")
            w.array { w in
                for e in entries {
                    w.object { w in
                        w.field("file", e.file)
                        w.field("rule", e.rule)
                        w.field("pointer", e.pointer)
                        w.field("valueHash", e.valueHash)
                    }
                }
            }
        }
        return w.text + "\n"
    }

    /// Drops the findings the baseline holds. Each entry accounts for one finding, so a second
    /// identical finding is new. `gone`: entries for files of this run that no finding matched
    /// (fixed, or changed); entries for files not in the run are not judged.
    public func apply(to reports: [FileReport], folder: String, workingDirectory: String) -> (reports: [FileReport], baselined: Int, gone: [Entry]) {
        var remaining: [Entry: Int] = [:]
        for e in entries { remaining[e, default: 0] += 1 }
        var out = reports
        var baselined = 0
        var filesInRun: Set<String> = []
        for r in out.indices {
            let file = ProjectPath.relative(out[r].file, to: folder, workingDirectory: workingDirectory)
            filesInRun.insert(file)
            out[r].findings.removeAll { f in
                // A config/* entry (in a baseline written before they were left out) matches nothing.
                guard f.suppression == nil, Self.holds(ruleID: f.ruleID) else { return false }
                let key = Entry(file: file, rule: f.ruleID, pointer: f.pointer, valueHash: f.valueHash)
                guard let n = remaining[key], n > 0 else { return false }
                remaining[key] = n - 1
                baselined += 1
                return true
            }
        }
        var gone: [Entry] = []
        for e in entries where filesInRun.contains(e.file) {
            if let n = remaining[e], n > 0 { gone.append(e); remaining[e] = n - 1 }
        }
        return (out, baselined, gone)
    }
}
