/// A lint run written in one format. Pure: the same run gives the same text, whoever reads it;
/// where it goes (a terminal, a file) is the caller's business, and only the text reporter
/// takes colour.
public protocol Reporter: Sendable {
    func render(_ run: RunResult) -> String
}

/// The run's options that reporters read; each format takes the ones that concern it.
public struct ReportOptions: Sendable {
    /// The report goes to a terminal that shows colour (text).
    public var color = false
    /// Show the findings an ignore suppresses, marked with its reason (text, json, junit, html).
    public var showSuppressed = false
    /// Leave suppressed findings out (sarif).
    public var omitSuppressed = false
    /// At most this many SARIF results, the most severe; nil: no limit.
    public var sarifMaxResults: Int? = SarifReporter.gitHubResultLimit
    /// The working directory as a `file://` URI ending in `/` (sarif).
    public var baseURI: String?
    /// The least level that fails the run, nil for none (junit: a failure, not a pass).
    public var failLevel: Level? = .error

    public init() {}
}

/// Every format policylint writes, once: the argument parser, `--help`, the `--format` error,
/// the command's output, the fuzzer and the tests all read `ReportFormat.all`, so none of them
/// can leave a format out.
public struct ReportFormat: Sendable {
    /// The `--format` value.
    public let name: String
    /// One line for `--help`.
    public let summary: String
    /// What the bytes are (`application/sarif+json`): what a reader may hold them to.
    public let mediaType: String
    private let makeReporter: (@Sendable (ReportOptions) -> any Reporter)?
    private let writeCatalogue: (@Sendable (RuleSet) -> String)?

    /// Whether a lint run is written in this format (`policylint --format NAME`).
    public var writesRuns: Bool { makeReporter != nil }
    /// Whether the rule list is written in this format (`policylint rules --format NAME`).
    public var writesRuleList: Bool { writeCatalogue != nil }

    /// The reporter of a lint run with the run's options; nil when this format writes only the
    /// rule list.
    public func reporter(_ options: ReportOptions) -> (any Reporter)? { makeReporter?(options) }

    /// The rule list (`policylint rules`) in this format; nil when it is not written in it.
    public func ruleList(_ ruleSet: RuleSet) -> String? { writeCatalogue?(ruleSet) }

    /// In the order `--help` lists them.
    public static let all: [ReportFormat] = [text, sarif, json, github, junit, html, markdown]

    public static func named(_ name: String) -> ReportFormat? { all.first { $0.name == name } }

    public static let text = ReportFormat(
        name: "text", summary: "findings with the source line and a caret, and a summary (the default)", mediaType: "text/plain",
        makeReporter: { TextReporter(color: $0.color, showSuppressed: $0.showSuppressed) },
        // A pack given with --rules is input too: its text is shown escaped, like a finding's.
        writeCatalogue: { ruleSet in
            ruleSet.ruleOrder.compactMap { id in ruleSet.rules[id].map { terminalSafe("\(id)  \($0.level.rawValue)  \($0.summary)") + "\n" } }.joined()
        })
    public static let sarif = ReportFormat(
        name: "sarif", summary: "SARIF 2.1.0 for code scanning", mediaType: "application/sarif+json",
        makeReporter: { SarifReporter(baseURI: $0.baseURI, omitSuppressed: $0.omitSuppressed, maxResults: $0.sarifMaxResults) },
        writeCatalogue: nil)
    public static let json = ReportFormat(
        name: "json", summary: "the findings as a JSON array, for scripts", mediaType: "application/json",
        makeReporter: { JSONReporter(showSuppressed: $0.showSuppressed) },
        writeCatalogue: { RuleCatalogue.json($0) })
    public static let github = ReportFormat(
        name: "github", summary: "GitHub Actions annotations", mediaType: "text/plain",
        makeReporter: { _ in GitHubReporter() },
        writeCatalogue: nil)
    public static let junit = ReportFormat(
        name: "junit", summary: "JUnit XML, a test case per finding, for CI", mediaType: "application/xml",
        makeReporter: { JUnitReporter(failLevel: $0.failLevel, showSuppressed: $0.showSuppressed) },
        writeCatalogue: nil)
    public static let html = ReportFormat(
        name: "html", summary: "one self-contained page for an audit", mediaType: "text/html",
        makeReporter: { HTMLReporter(showSuppressed: $0.showSuppressed) },
        writeCatalogue: nil)
    public static let markdown = ReportFormat(
        name: "markdown", summary: "the rules' documentation in Markdown, as in docs/rules.md", mediaType: "text/markdown",
        makeReporter: nil,
        writeCatalogue: { terminalSafeLines(RuleDocumentation.catalogue($0)) })
}
