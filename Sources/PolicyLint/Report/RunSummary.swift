/// Everything a reporter needs about one run: per-file results and the rules that were loaded.
public struct RunResult: Sendable {
    public var files: [FileReport]
    public var ruleSet: RuleSet
    public var toolVersion: String

    public init(files: [FileReport], ruleSet: RuleSet, toolVersion: String) {
        self.files = files
        self.ruleSet = ruleSet
        self.toolVersion = toolVersion
    }

    /// All findings in report order: by file, then position.
    public var findings: [Finding] { files.flatMap(\.findings).sorted(by: Finding.reportOrder) }

    public func count(_ level: Level) -> Int { files.reduce(0) { $0 + $1.findings.filter { $0.level == level }.count } }

    public var checkedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.checkedTypes, uniquingKeysWith: +) } }
    public var uncheckedTypes: [String: Int] { files.reduce(into: [:]) { $0.merge($1.uncheckedTypes, uniquingKeysWith: +) } }
}

/// The current version, shown by `--version` and written into SARIF.
public let policylintVersion = "0.1.0"
