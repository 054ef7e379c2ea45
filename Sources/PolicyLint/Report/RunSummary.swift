/// Everything a reporter needs about one run: per-file results and the rules that were loaded.
public struct RunResult: Sendable {
    public var files: [FileReport]
    public var ruleSet: RuleSet
    public var toolVersion: String
    /// Findings left out because the baseline holds them (`--baseline`).
    public var baselinedCount = 0
    /// Files a directory walk found that hold no NSX or SPS object (a package.json): not
    /// checked, not counted, but named so that nothing is left out silently.
    public var skippedFiles: [String] = []

    public init(files: [FileReport], ruleSet: RuleSet, toolVersion: String) {
        self.files = files
        self.ruleSet = ruleSet
        self.toolVersion = toolVersion
    }

    /// All findings in report order: by file, then position.
    public var findings: [Finding] { files.flatMap(\.findings).sorted(by: Finding.reportOrder) }

    /// Findings no ignore covers, by level: what the counts and the exit code are about.
    public func count(_ level: Level) -> Int { files.reduce(0) { $0 + $1.findings.filter { $0.level == level && $0.suppression == nil }.count } }

    public var suppressedCount: Int { files.reduce(0) { $0 + $1.findings.filter { $0.suppression != nil }.count } }

    /// The findings a report for people or scripts shows: suppressed ones only when asked.
    public func shownFindings(showSuppressed: Bool) -> [Finding] {
        showSuppressed ? findings : findings.filter { $0.suppression == nil }
    }

    public var checkedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.checkedTypes, uniquingKeysWith: +) } }
    public var uncheckedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.uncheckedTypes, uniquingKeysWith: +) } }
    public var assumedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.assumedTypes, uniquingKeysWith: +) } }
}

/// The current version, shown by `--version` and written into SARIF.
public let policylintVersion = "0.1.0"
