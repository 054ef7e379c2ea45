/// Everything a reporter needs about one run: per-file results and the rules that were loaded.
public struct RunResult: Sendable {
    public var files: [FileReport]
    public var ruleSet: RuleSet
    public var toolVersion: String
    /// Findings about the run as a whole, not a place in a file (`discovery/nothing-checked`).
    public var runFindings: [RunFinding] = []
    /// Findings left out because the baseline holds them (`--baseline`).
    public var baselinedCount = 0
    /// Files a directory walk found that hold no NSX or SPS object (a package.json): not
    /// checked, not counted, but named so that nothing is left out silently.
    public var skippedFiles: [String] = []
    /// The firewall rule base in NSX's evaluation order, when the run read one and the report
    /// shows it (the HTML audit report's effective rule base).
    public var ruleBase: [EffectiveRule] = []

    public init(files: [FileReport], ruleSet: RuleSet, toolVersion: String, runFindings: [RunFinding] = []) {
        self.files = files
        self.ruleSet = ruleSet
        self.toolVersion = toolVersion
        self.runFindings = runFindings
    }

    /// All findings in files, in report order: by file, then position.
    public var findings: [Finding] { files.flatMap(\.findings).sorted(by: Finding.reportOrder) }

    /// Findings no ignore covers, by level, run findings included: what the counts and the exit
    /// code are about.
    public func count(_ level: Level) -> Int {
        files.reduce(0) { $0 + $1.findings.filter { $0.level == level && $0.suppression == nil }.count }
            + runFindings.filter { $0.level == level }.count
    }

    public var suppressedCount: Int { files.reduce(0) { $0 + $1.findings.filter { $0.suppression != nil }.count } }

    /// Whether a finding no ignore covers (a run finding included) is at a level that `fails`.
    public func hasUnsuppressedFinding(where fails: (Level) -> Bool) -> Bool {
        runFindings.contains { fails($0.level) } || files.contains { $0.findings.contains { $0.suppression == nil && fails($0.level) } }
    }

    /// The findings a report for people or scripts shows: suppressed ones only when asked.
    public func shownFindings(showSuppressed: Bool) -> [Finding] {
        showSuppressed ? findings : findings.filter { $0.suppression == nil }
    }

    public var checkedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.checkedTypes, uniquingKeysWith: +) } }
    public var uncheckedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.uncheckedTypes, uniquingKeysWith: +) } }
    public var assumedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.assumedTypes, uniquingKeysWith: +) } }
    /// The files read as templates, whose placeholders no check judged.
    public var templateFiles: [String] { files.filter(\.readAsTemplate).map(\.file) }
    /// The files read as templates, as the text summary and the audit report say it; nil for none.
    var templateSummary: String? {
        let templates = templateFiles
        guard !templates.isEmpty else { return nil }
        return "read as \(templates.count == 1 ? "a template" : "templates") (placeholders and {% else %} branches not checked): \(templates.joined(separator: ", "))"
    }
}

/// A finding about the run as a whole: it has no file, position or pointer, so no ignore (which
/// is scoped by path) covers it and no baseline holds it; the configuration's `rules` sets its
/// level or turns it off.
public struct RunFinding: Sendable, Equatable {
    public var ruleID: String
    public var level: Level
    public var message: String

    public init(ruleID: String, level: Level, message: String) {
        self.ruleID = ruleID; self.level = level; self.message = message
    }
}

extension Linter {
    /// The findings about a run as a whole, from its files' reports (before any configuration
    /// or baseline is applied): `discovery/nothing-checked` when no file held an object that a
    /// rule pack checks, because "0 errors" about files policylint did not understand is the
    /// worst answer a gate can give.
    public func runFindings(_ reports: [FileReport]) -> [RunFinding] {
        let id = "discovery/nothing-checked"
        guard reports.allSatisfy({ $0.checkedTypes.isEmpty }) else { return [] }
        let level: Level
        if let configured = options.levels[id] {
            guard let configured else { return [] }  // "off"
            level = configured
        } else {
            level = ruleSet.rules[id]?.level ?? .warning
        }
        guard !reports.isEmpty else {
            return [RunFinding(ruleID: id, level: level, message: "no NSX or SPS object was checked: the run had no input file")]
        }
        // Why each file checked nothing, the first reason that applies.
        var syntax = 0, unknownTypes = 0, unrecognised = 0
        for report in reports {
            if report.findings.contains(where: { $0.ruleID == "json/syntax" }) { syntax += 1 }
            else if !report.uncheckedTypes.isEmpty { unknownTypes += 1 }
            else { unrecognised += 1 }
        }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var reasons: [String] = []
        if unrecognised > 0 { reasons.append("\(unrecognised) \(unrecognised == 1 ? "holds" : "hold") no object policylint recognises") }
        if unknownTypes > 0 { reasons.append("\(unknownTypes) \(unknownTypes == 1 ? "holds" : "hold") only objects of types no rule pack checks") }
        if syntax > 0 { reasons.append("\(syntax) \(syntax == 1 ? "has" : "have") JSON syntax errors") }
        var message = "no NSX or SPS object was checked in \(plural(reports.count, "file")) (\(reasons.joined(separator: ", "))), so this run says nothing about \(reports.count == 1 ? "it" : "them")"
        if unrecognised > 0 { message += "; a bare body's kind can be named with --kind or the configuration's \"kinds\"" }
        return [RunFinding(ruleID: id, level: level, message: message)]
    }
}

/// The current version, shown by `--version` and written into SARIF.
public let policylintVersion = "0.2.0"
