/// A day of the calendar, for an ignore's `expires`: compared as numbers, so no time zone or
/// clock is involved (the command passes today's local date).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    /// Exactly `YYYY-MM-DD`, and a day that exists (no 2025-02-30).
    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else { return nil }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard (1...days).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// `.policylint.json`: rule levels, the TLS profile, the PSK minimum length, SPS kinds by path,
/// and ignores. JSON carries no comments, so this file is where suppression lives, each ignore
/// with the reason a reviewer reads. Read strictly: a typo is exit 2, never a silent no-op.
public struct Configuration: Sendable {
    public static let fileName = ".policylint.json"
    static let keys = ["rules", "tlsProfile", "pskMinimumLength", "template", "kinds", "ignore"]
    static let ignoreKeys = ["paths", "pointer", "rules", "reason", "expires"]

    /// The file as shown in messages.
    var file: String
    /// The absolute folder holding the file: globs are relative to it.
    var folder: String
    /// A rule's level by rule id; nil turns the rule off.
    var levels: [String: Level?] = [:]
    var tlsProfile: TLSProfile?
    var pskMinimumLength: Int?
    /// Which files are read as templates, as `--template`.
    var template: TemplateMode?
    /// The kind of a bare SPS body by path, in file order: the first match wins.
    var kinds: [KindMapping] = []
    var ignores: [Ignore] = []
    let doc: JSONDocument

    struct KindMapping: Sendable {
        var glob: PathGlob
        var kind: String
    }

    /// Findings to suppress: in files matching `paths`, under `pointer`, of `rules` (every
    /// rule when absent), until `expires` has passed.
    struct Ignore: Sendable {
        var paths: [PathGlob]
        var pointer: String?
        var rules: [String]?
        var reason: String
        var expires: CalendarDate?
        /// Where the ignore starts in the configuration (`file:line`), shown with what it suppresses.
        var source: String
        /// The `expires` value's node, where an expired ignore is reported.
        var expiresNode: Int?

        func isExpired(today: CalendarDate) -> Bool { expires.map { $0 < today } ?? false }

        /// Whether this ignore's scope holds a finding in the file at `path` (relative to the
        /// configuration's folder). A pointer prefix covers itself and what lies beneath it,
        /// whole reference tokens only: `/rules/1` does not cover `/rules/10`.
        func covers(_ finding: Finding, path: String) -> Bool {
            guard paths.contains(where: { $0.matches(path) }) else { return false }
            if let rules, !rules.contains(finding.ruleID) { return false }
            if let pointer, !pointer.isEmpty {
                guard finding.pointer == pointer || finding.pointer.hasPrefix(pointer.hasSuffix("/") ? pointer : pointer + "/") else { return false }
            }
            return true
        }
    }

    /// The nearest `.policylint.json` from `folder` (absolute) upward, and how to show it from
    /// the working directory (`.policylint.json`, `../.policylint.json`, `configs/.policylint.json`).
    public static func search(from folder: String, workingDirectory: String, exists: (String) -> Bool) -> (path: String, shown: String)? {
        var segments = ProjectPath.segments(folder)
        while true {
            let path = "/" + (segments + [fileName]).joined(separator: "/")
            if exists(path) { return (path, ProjectPath.shown(path, workingDirectory: workingDirectory)) }
            guard !segments.isEmpty else { return nil }
            segments.removeLast()
        }
    }

    /// The configuration of a run: the nearest one upward from the deepest folder the linted
    /// paths share (as git, ESLint and SwiftLint find theirs from the files, not from where
    /// they run), else the nearest one upward from the working directory. `paths` are as given
    /// ("-" is standard input, which is in the working directory); `isDirectory` tells a folder
    /// given as a path from a file.
    public static func search(for paths: [String], workingDirectory: String, isDirectory: (String) -> Bool,
                              exists: (String) -> Bool) -> (path: String, shown: String)? {
        var common: [String]?
        for path in paths {
            let absolute = path == "-" ? workingDirectory : ProjectPath.absolute(path, workingDirectory: workingDirectory)
            let folder = ProjectPath.segments(path == "-" || isDirectory(absolute) ? absolute : ProjectPath.folder(of: absolute))
            common = common.map { Array(zip($0, folder).prefix { $0 == $1 }.map(\.0)) } ?? folder
        }
        let start = "/" + (common ?? ProjectPath.segments(workingDirectory)).joined(separator: "/")
        return search(from: start, workingDirectory: workingDirectory, exists: exists)
            ?? search(from: workingDirectory, workingDirectory: workingDirectory, exists: exists)
    }

    /// Reads a configuration, checking every rule id and kind against the loaded packs.
    public static func load(file: String, folder: String, bytes: [UInt8], ruleSet: RuleSet) throws -> Configuration {
        let r = try StrictReader(file: file, bytes: bytes)
        var config = Configuration(file: file, folder: folder, doc: r.doc)
        let top = try r.object(r.doc.root!, allowed: keys, what: "the configuration")

        func ruleID(_ node: Int, _ what: String) throws -> String {
            let id = try r.string(node, what)
            guard ruleSet.rules[id] != nil else {
                let hint = closestMatch(to: id, in: ruleSet.ruleOrder).map { "; did you mean '\($0)'?" } ?? " ('policylint rules' lists them)"
                throw r.fail(node, "no rule '\(id)'\(hint)")
            }
            return id
        }

        if let rules = top["rules"] {
            guard r.doc.kind(rules) == .object else { throw r.fail(rules, "\"rules\" must be an object: rule id → \"off\", \"error\", \"warning\" or \"note\"") }
            for (key, value) in r.doc.members(rules) {
                let id = try ruleID(key, "a rule id")
                let text = try r.string(value, "a rule's setting")
                if text == "off" {
                    config.levels[id] = .some(nil)
                } else if let level = Level(rawValue: text) {
                    config.levels[id] = level
                } else {
                    throw r.fail(value, "'\(text)' is not a rule setting (allowed: off, error, warning, note)")
                }
            }
        }
        if let node = top["tlsProfile"] {
            let text = try r.string(node, "\"tlsProfile\"")
            guard let profile = TLSProfile(rawValue: text) else {
                throw r.fail(node, "'\(text)' is not a TLS profile (allowed: \(TLSProfile.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            config.tlsProfile = profile
        }
        if let node = top["template"] {
            let text = try r.string(node, "\"template\"")
            guard let mode = TemplateMode(rawValue: text) else {
                throw r.fail(node, "'\(text)' is not a template mode (allowed: \(TemplateMode.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            config.template = mode
        }
        if let node = top["pskMinimumLength"] {
            let length = try r.integer(node, "\"pskMinimumLength\"")
            guard length >= 1 else { throw r.fail(node, "\"pskMinimumLength\" must be a whole number ≥ 1") }
            config.pskMinimumLength = length
        }
        if let kinds = top["kinds"] {
            guard r.doc.kind(kinds) == .object else { throw r.fail(kinds, "\"kinds\" must be an object: path glob → kind, e.g. {\"sps/audit/*.json\": \"sps.audit_policy\"}") }
            // Any type can be named, as with --kind; the message lists the kinds a bare body
            // can be (the SPS policy kinds and the NSX types).
            let known = ruleSet.kindNames
            for (key, value) in r.doc.members(kinds) {
                let glob = r.doc.string(key)
                guard !glob.isEmpty else { throw r.fail(key, "a path glob cannot be empty") }
                let kind = try r.string(value, "a kind")
                guard ruleSet.declaresType(kind) else {
                    let hint = ruleSet.closestKind(to: kind).map { "; did you mean '\($0)'?" } ?? ""
                    throw r.fail(value, "unknown kind '\(kind)' (known: \(known.joined(separator: ", ")), and every type of the NSX model)\(hint)")
                }
                config.kinds.append(KindMapping(glob: PathGlob(glob), kind: kind))
            }
        }
        if let ignores = top["ignore"] {
            for node in try r.array(ignores, "\"ignore\"") {
                let o = try r.object(node, allowed: ignoreKeys, what: "an ignore")
                guard let pathsNode = o["paths"] else { throw r.fail(node, "an ignore needs \"paths\": a path glob or a list of them (\"**\" for every file)") }
                let globs = r.doc.kind(pathsNode) == .array ? try r.strings(pathsNode, "\"paths\"") : [try r.string(pathsNode, "\"paths\"")]
                guard !globs.isEmpty, !globs.contains("") else { throw r.fail(pathsNode, "\"paths\" needs at least one non-empty glob") }
                guard let reasonNode = o["reason"] else { throw r.fail(node, "an ignore needs \"reason\": why these findings are accepted, for the next reviewer") }
                let reason = try r.string(reasonNode, "\"reason\"")
                guard reason.contains(where: { !$0.isWhitespace }) else { throw r.fail(reasonNode, "\"reason\" cannot be empty") }
                var ignore = Ignore(paths: globs.map(PathGlob.init), pointer: nil, rules: nil, reason: reason, expires: nil,
                                    source: "\(file):\(r.lines.position(of: r.doc.range(node).lowerBound).line)")
                if let p = o["pointer"] {
                    let pointer = try r.string(p, "\"pointer\"")
                    guard pointer.isEmpty || pointer.hasPrefix("/") else { throw r.fail(p, "\"pointer\" is a JSON pointer: empty, or starting with '/', e.g. /rules/0") }
                    ignore.pointer = pointer
                }
                if let rules = o["rules"] {
                    let ids = try r.array(rules, "\"rules\"").map { try ruleID($0, "a rule id") }
                    guard !ids.isEmpty else { throw r.fail(rules, "\"rules\" needs at least one rule id (leave it out to cover every rule)") }
                    ignore.rules = ids
                }
                if let e = o["expires"] {
                    let text = try r.string(e, "\"expires\"")
                    guard let date = CalendarDate(text) else { throw r.fail(e, "'\(text)' is not a date: \"expires\" is YYYY-MM-DD, e.g. 2026-06-30") }
                    ignore.expires = date
                    ignore.expiresNode = e
                }
                config.ignores.append(ignore)
            }
        }
        return config
    }

    /// A file (as given on the command line) as the globs see it: relative to the folder of
    /// the configuration.
    func path(of file: String, workingDirectory: String) -> String {
        ProjectPath.relative(file, to: folder, workingDirectory: workingDirectory)
    }

    /// The kind the configuration gives a file, if a glob of `kinds` matches it.
    func kind(of file: String, workingDirectory: String) -> String? {
        let path = path(of: file, workingDirectory: workingDirectory)
        return kinds.first { $0.glob.matches(path) }?.kind
    }

    /// Rule levels, TLS profile, PSK length and template mode into the options; per-file kinds for the files
    /// of this run.
    public func configure(_ options: inout LintOptions, files: [String], workingDirectory: String) {
        options.levels.merge(levels) { $1 }
        if let tlsProfile { options.tlsProfile = tlsProfile }
        if let pskMinimumLength { options.pskMinimumLength = pskMinimumLength }
        if let template { options.template = template }
        for file in files { if let kind = kind(of: file, workingDirectory: workingDirectory) { options.kindsByFile[file] = kind } }
    }

    /// Marks the findings an active ignore covers as suppressed (kept, so SARIF can show them).
    /// An expired ignore suppresses nothing and is itself reported, in a report for the
    /// configuration file appended to the others.
    public func suppress(_ reports: [FileReport], workingDirectory: String, today: CalendarDate, linter: Linter) -> [FileReport] {
        var matchedByExpired = Array(repeating: 0, count: ignores.count)
        var out = reports
        for r in out.indices {
            let path = path(of: out[r].file, workingDirectory: workingDirectory)
            for f in out[r].findings.indices where out[r].findings[f].suppression == nil {
                for (i, ignore) in ignores.enumerated() where ignore.covers(out[r].findings[f], path: path) {
                    if ignore.isExpired(today: today) { matchedByExpired[i] += 1; continue }
                    out[r].findings[f].suppression = Suppression(reason: ignore.reason, source: ignore.source)
                    break
                }
            }
        }
        let expired = expiredIgnoreFindings(today: today, linter: linter, matches: matchedByExpired)
        if !expired.isEmpty {
            out.append(FileReport(file: file, byteCount: doc.bytes.count, findings: expired, checkedTypes: [:], uncheckedTypes: [:]))
        }
        return out
    }

    /// `config/expired-ignore` at each expired ignore's date. `matches`: per ignore, how many
    /// findings of this run it would have covered.
    func expiredIgnoreFindings(today: CalendarDate, linter: Linter, matches: [Int]? = nil) -> [Finding] {
        var issues: [Issue] = []
        for (i, ignore) in ignores.enumerated() where ignore.isExpired(today: today) {
            guard let node = ignore.expiresNode, let date = ignore.expires else { continue }
            let count = matches?[i] ?? 0
            let covered = count == 0 ? "it covers no finding in this run" : "the \(count) finding\(count == 1 ? "" : "s") it covers in this run \(count == 1 ? "is" : "are") reported again"
            issues.append(Issue(rule: "config/expired-ignore",
                                message: "this ignore expired on \(date) and no longer suppresses anything (\(covered)); fix what it covered, or give it a later date if the reason still holds",
                                anchor: node, range: doc.range(node)))
        }
        return linter.place(issues, doc: doc, file: file, secretRanges: [])
    }
}

/// Why a finding is suppressed: an ignore in the configuration covers it.
public struct Suppression: Sendable, Equatable {
    /// The ignore's `reason`, written by whoever accepted the finding.
    public var reason: String
    /// Where that ignore is: `.policylint.json:12`.
    public var source: String

    init(reason: String, source: String) { self.reason = reason; self.source = source }
}
