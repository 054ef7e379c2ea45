/// The command line (see `spec/CLI.md`), parsed by hand: the product depends on nothing.
public struct Arguments: Sendable, Equatable {
    public enum Command: String, Sendable { case lint, rules, explain, fix }
    public enum Format: String, Sendable, CaseIterable { case text, sarif, json, github, junit, html, markdown }

    /// The formats a command writes, in the order help lists them: the one list behind `--help`
    /// and the `--format` error, so neither can leave one out.
    public static func formats(for command: Command) -> [Format] {
        switch command {
        case .lint: [.text, .sarif, .json, .github, .junit, .html]
        case .rules: [.text, .json, .markdown]
        case .explain, .fix: [.text]
        }
    }
    public enum FailLevel: String, Sendable, CaseIterable { case error, warning, note, none }

    public var command: Command = .lint
    public var paths: [String] = []
    /// `--context PATH`: files read for references and duplicates, never reported on.
    public var contextPaths: [String] = []
    public var format: Format = .text
    public var output: String?
    public var sarifOutput: String?
    public var mode: DocumentMode?
    public var kind: String?
    public var ruleDirectories: [String] = []
    public var failOn: FailLevel = .error
    public var tlsProfile: TLSProfile = .intermediate
    public var strictReferences = false
    /// `fix --in-place`: write the fixed files; without it, only say what would change.
    public var inPlace = false
    public var stdinFilename: String?
    /// `--config FILE`; nil: the nearest `.policylint.json` upward from the linted files.
    public var configFile: String?
    public var baseline: String?
    public var writeBaseline: String?
    /// Also fail when findings of the baseline are gone, so the baseline only shrinks.
    public var baselineStrict = false
    public var showSuppressed = false
    public var omitSuppressed = false
    /// At most this many SARIF results, the most severe (0: no limit); by default GitHub code
    /// scanning's limit per run.
    public var sarifMaxResults = SarifReporter.gitHubResultLimit
    /// The options given on the command line: they win over the configuration file.
    public var given: Set<String> = []
    public var showVersion = false
    public var showHelp = false
    /// For `explain`.
    public var ruleID: String?

    public init() {}

    /// Options that take a value, and flags, by name: the table also feeds "did you mean".
    static let valueOptions = ["--format", "--output", "--sarif", "--mode", "--kind", "--rules", "--fail-on", "--stdin-filename", "--tls-profile",
                               "--config", "--baseline", "--write-baseline", "--context", "--sarif-max-results"]
    static let flags = ["--version", "--help", "-h", "--strict-refs", "--baseline-strict", "--show-suppressed", "--omit-suppressed", "--in-place"]

    public static func parse(_ words: [String]) throws(UsageError) -> Arguments {
        var a = Arguments()
        var rest = words[...]
        // The first word that is not an option may name the command, so options can come before
        // it (`--rules DIR explain ID`). A file of that name stays lintable as `./help` or after `--`.
        var commandPossible = true
        var formatValue: String?
        var onlyPaths = false
        while let word = rest.popFirst() {
            if onlyPaths || word == "-" || !word.hasPrefix("-") {
                if commandPossible && !onlyPaths {
                    commandPossible = false
                    if word == "help" { a.showHelp = true; continue }
                    if let command = Command(rawValue: word) { a.command = command; continue }
                }
                commandPossible = false
                if a.command == .explain && a.ruleID == nil { a.ruleID = word } else { a.paths.append(word) }
                continue
            }
            if word == "--" { onlyPaths = true; continue }
            var name = word, inlineValue: String?
            if let eq = word.firstIndex(of: "="), word.hasPrefix("--") {
                name = String(word[..<eq]); inlineValue = String(word[word.index(after: eq)...])
            }
            if flags.contains(name) {
                guard inlineValue == nil else { throw UsageError("\(name) takes no value") }
                a.given.insert(name)
                switch name {
                case "--version": a.showVersion = true
                case "--strict-refs": a.strictReferences = true
                case "--baseline-strict": a.baselineStrict = true
                case "--show-suppressed": a.showSuppressed = true
                case "--omit-suppressed": a.omitSuppressed = true
                case "--in-place": a.inPlace = true
                default: a.showHelp = true
                }
                continue
            }
            guard valueOptions.contains(name) else {
                let hint = closestMatch(to: name, in: valueOptions + flags).map { "; did you mean \($0)?" } ?? ""
                throw UsageError("unknown option \(name)\(hint)")
            }
            guard let value = inlineValue ?? rest.popFirst() else { throw UsageError("\(name) needs a value") }
            a.given.insert(name)
            func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(UsageError) -> T where T.RawValue == String {
                guard let v = T(rawValue: value) else {
                    throw UsageError("\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value)'")
                }
                return v
            }
            switch name {
            case "--format": formatValue = value  // checked once the command is known
            case "--output": a.output = value
            case "--sarif": a.sarifOutput = value
            case "--mode":
                if value != "auto" {
                    guard let mode = DocumentMode(rawValue: value) else { throw UsageError("--mode must be one of auto, exported, authored, not '\(value)'") }
                    a.mode = mode
                }
            case "--kind": a.kind = value
            case "--rules": a.ruleDirectories.append(value)
            case "--fail-on": a.failOn = try choice(FailLevel.self)
            case "--stdin-filename": a.stdinFilename = value
            case "--tls-profile": a.tlsProfile = try choice(TLSProfile.self)
            case "--config": a.configFile = value
            case "--baseline": a.baseline = value
            case "--write-baseline": a.writeBaseline = value
            case "--context": a.contextPaths.append(value)
            case "--sarif-max-results":
                guard let n = Int(value), n >= 0 else {
                    throw UsageError("--sarif-max-results must be a whole number (0 for no limit), not '\(value)'")
                }
                a.sarifMaxResults = n
            default: break
            }
        }
        if let value = formatValue {
            let allowed = formats(for: a.command)
            guard let format = Format(rawValue: value), allowed.contains(format) else {
                let names = allowed.map(\.rawValue)
                let which = names.count == 1 ? "writes only \(names[0])" : "writes \(names.dropLast().joined(separator: ", ")) or \(names.last!)"
                let command = a.command == .lint ? "policylint" : "policylint \(a.command.rawValue)"
                throw UsageError("--format \(value): \(command) \(which)")
            }
            a.format = format
        }
        if !a.contextPaths.isEmpty && a.command != .lint { throw UsageError("--context is only for linting") }
        if a.baselineStrict && a.baseline == nil { throw UsageError("--baseline-strict needs --baseline FILE") }
        if !a.showHelp && !a.showVersion {
            switch a.command {
            case .fix where a.paths.isEmpty: throw UsageError("fix needs files: policylint fix [--in-place] <file>...")
            case .fix where a.paths.contains("-"): throw UsageError("fix needs files; it does not read standard input ('-')")
            case .lint where a.paths.isEmpty: throw UsageError("no path given: policylint [lint] [options] <path>... (use - for standard input)")
            case .explain where a.ruleID == nil: throw UsageError("explain needs a rule id, e.g. policylint explain nsx/sequence-range")
            default: break
            }
        }
        return a
    }

    /// The least level that makes the exit code 1; nil for `--fail-on none`.
    public var failLevel: Level? {
        switch failOn {
        case .none: nil
        case .note: .note
        case .warning: .warning
        case .error: .error
        }
    }

    /// Whether findings at this level make the exit code 1.
    public func fails(on level: Level) -> Bool {
        switch failOn {
        case .none: false
        case .note: true
        case .warning: level >= .warning
        case .error: level == .error
        }
    }

    public static var help: String {
        func formatList(_ command: Command) -> String { formats(for: command).map(\.rawValue).joined(separator: "|") }
        return """
        policylint: lint NSX-T and One Identity SPS JSON configuration.

        Usage:
          policylint [lint] [options] <path>...   check files, directories (*.json, recursively), or - (stdin)
          policylint rules [--format \(formatList(.rules))]
          policylint explain <rule-id>
          policylint fix [--in-place] <file>...    remove read-only fields (keeping _revision) and fix the
                                                   case of enum values: turns an export into a PUT body
          policylint --version | --help | help

        Options may come before the command. A file named like a command is linted as ./help or after --.

        Options:
          --format \(formatList(.lint))   output format (default text)
          --output FILE                      write the report to FILE instead of standard output
          --sarif FILE                       also write SARIF to FILE
          --sarif-max-results N              at most N SARIF results, the most severe (default 25000,
                                             GitHub code scanning's limit per run; 0: no limit)
          --fail-on error|warning|note|none  least level that makes the exit code 1 (default error)
          --mode auto|exported|authored      GET responses vs PUT/PATCH bodies (default auto)
          --kind KIND                        the kind of a bare SPS body, e.g. sps.audit_policy
          --tls-profile modern|intermediate|legacy   TLS hygiene profile (default intermediate)
          --rules DIR                        load extra rule packs from DIR (repeatable)
          --strict-refs                      references into collections absent from the run become notes
          --stdin-filename NAME              the name to report for -
          --context PATH                     read PATH (a file or directory, repeatable) for references and
                                             duplicates, but report findings only for the paths named
          --config FILE                      configuration (default: the nearest .policylint.json upward
                                             from the linted files, else from the working directory)
          --baseline FILE                    report only findings the baseline does not hold
          --write-baseline FILE              write the current findings as a baseline
          --baseline-strict                  also fail when baselined findings are gone
          --show-suppressed                  show findings the configuration suppresses (text, json, junit, html)
          --omit-suppressed                  leave suppressed findings out of SARIF

        Exit codes: 0 nothing at or above the fail level; 1 findings at or above it;
        2 usage error, unreadable path or a directory with no JSON file, broken rule pack or configuration.
        """
    }
}

public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
