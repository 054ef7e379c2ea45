import PolicyLint

/// The command line (see `spec/CLI.md`), parsed by hand: the product depends on nothing.
struct Arguments: Sendable {
    enum Command: String, Sendable { case lint, rules, explain, fix, schema, lsp }

    /// The formats a command writes, from the registry, in the order help lists them. `explain`
    /// and `fix` write plain text only; `schema` writes a JSON Schema only.
    static func formats(for command: Command) -> [ReportFormat] {
        switch command {
        case .lint: ReportFormat.all.filter(\.writesRuns)
        case .rules: ReportFormat.all.filter(\.writesRuleList)
        case .explain, .fix: [.text]
        case .schema: [.json]
        // The protocol is its only output.
        case .lsp: []
        }
    }
    enum FailLevel: String, Sendable, CaseIterable { case error, warning, note, none }

    var command: Command = .lint
    var paths: [String] = []
    /// `--context PATH`: files read for references and duplicates, never reported on.
    var contextPaths: [String] = []
    var format: ReportFormat = .text
    var output: String?
    var sarifOutput: String?
    var mode: DocumentMode?
    var kind: String?
    var ruleDirectories: [String] = []
    /// `--nsx-spec FILE`: the OpenAPI document of the user's NSX Manager, checked against
    /// instead of the built-in NSX 4.2 model.
    var nsxSpec: String?
    var failOn: FailLevel = .error
    var tlsProfile: TLSProfile = .intermediate
    var strictReferences = false
    /// `--template`: which files are read as templates.
    var template: TemplateMode = .auto
    /// `fix --in-place`: write the fixed files; without it, only say what would change.
    var inPlace = false
    var stdinFilename: String?
    /// `--config FILE`; nil: the nearest `.policylint.json` upward from the linted files.
    var configFile: String?
    var baseline: String?
    var writeBaseline: String?
    /// Also fail when findings of the baseline are gone, so the baseline only shrinks.
    var baselineStrict = false
    var showSuppressed = false
    var omitSuppressed = false
    /// At most this many SARIF results, the most severe (0: no limit); by default GitHub code
    /// scanning's limit per run.
    var sarifMaxResults = SarifReporter.gitHubResultLimit
    /// The options given on the command line: they win over the configuration file.
    var given: Set<String> = []
    var showVersion = false
    var showHelp = false
    /// For `explain`.
    var ruleID: String?
    /// For `schema`: the types named (none: every type a pack recognises).
    var typeNames: [String] = []

    init() {}

    /// Options that take a value, and flags, by name: the table also feeds "did you mean".
    static let valueOptions = ["--format", "--output", "--sarif", "--mode", "--kind", "--rules", "--fail-on", "--stdin-filename", "--tls-profile",
                               "--config", "--baseline", "--write-baseline", "--context", "--sarif-max-results", "--nsx-spec", "--template"]
    static let flags = ["--version", "--help", "-h", "--strict-refs", "--baseline-strict", "--show-suppressed", "--omit-suppressed", "--in-place"]

    static func parse(_ words: [String]) throws(UsageError) -> Arguments {
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
                if a.command == .explain && a.ruleID == nil { a.ruleID = word }
                else if a.command == .schema { a.typeNames.append(word) }
                else { a.paths.append(word) }
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
            case "--nsx-spec": a.nsxSpec = value
            case "--fail-on": a.failOn = try choice(FailLevel.self)
            case "--stdin-filename": a.stdinFilename = value
            case "--tls-profile": a.tlsProfile = try choice(TLSProfile.self)
            case "--template": a.template = try choice(TemplateMode.self)
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
            guard let format = allowed.first(where: { $0.name == value }) else {
                if allowed.isEmpty { throw UsageError("--format \(value): policylint \(a.command.rawValue) speaks the Language Server Protocol only") }
                let names = allowed.map(\.name)
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
            case .lsp where !a.paths.isEmpty: throw UsageError("lsp takes no path: it lints the documents the editor sends")
            case .explain where a.ruleID == nil: throw UsageError("explain needs a rule id, e.g. policylint explain nsx/sequence-range")
            default: break
            }
        }
        return a
    }

    /// The engine's options from the command line and the configuration (which names the
    /// files' kinds): the command line wins, so --kind names every file's kind, --tls-profile
    /// the profile, --template the template mode.
    func lintOptions(_ configuration: Configuration?, files: [String], workingDirectory: String) -> LintOptions {
        var options = LintOptions(mode: mode, kind: kind, tlsProfile: tlsProfile)
        options.strictReferences = strictReferences
        options.template = template
        if let configuration {
            configuration.configure(&options, files: kind == nil ? files : [], workingDirectory: workingDirectory)
            if given.contains("--tls-profile") { options.tlsProfile = tlsProfile }
            if given.contains("--template") { options.template = template }
        }
        return options
    }

    /// The least level that makes the exit code 1; nil for `--fail-on none`.
    var failLevel: Level? {
        switch failOn {
        case .none: nil
        case .note: .note
        case .warning: .warning
        case .error: .error
        }
    }

    /// Whether findings at this level make the exit code 1.
    func fails(on level: Level) -> Bool {
        switch failOn {
        case .none: false
        case .note: true
        case .warning: level >= .warning
        case .error: level == .error
        }
    }

    static var help: String {
        func formatList(_ command: Command) -> String { formats(for: command).map(\.name).joined(separator: "|") }
        let width = ReportFormat.all.map(\.name.count).max() ?? 0
        let formatSummaries = ReportFormat.all.map { format in
            let name = format.name + String(repeating: " ", count: width - format.name.count)
            return "  \(name)   \(format.summary)\(format.writesRuns ? "" : " (policylint rules only)")"
        }.joined(separator: "\n")
        return """
        policylint: lint NSX-T and One Identity SPS JSON configuration.

        Usage:
          policylint [lint] [options] <path>...   check files, directories (*.json and *.json.j2, recursively),
                                                   or - (stdin)
          policylint rules [--format \(formatList(.rules))]
          policylint explain <rule-id>
          policylint schema [TYPE...]              a JSON Schema (draft 2020-12) of the types (default: every
                                                   type a pack recognises), for an editor
          policylint fix [--in-place] <file>...    remove read-only fields (keeping _revision) and fix the
                                                   case of enum values: turns an export into a PUT body
          policylint lsp                           a language server on standard input and output, for an
                                                   editor (the workspace's JSON files are the bundle)
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
          --template auto|jinja|none         read Jinja2/Ansible and Postman templates past their placeholders:
                                             auto (default) for *.j2 and files with {{ or {% outside strings,
                                             jinja for every file, none for no file
          --rules DIR                        load extra rule packs from DIR (repeatable)
          --nsx-spec FILE                    check NSX objects against the OpenAPI document your NSX Manager
                                             serves (GET /api/v1/spec/openapi/nsx_policy_api.json) instead
                                             of the built-in NSX 4.2 model
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

        Formats:
        \(formatSummaries)

        Exit codes: 0 nothing at or above the fail level; 1 findings at or above it;
        2 usage error, unreadable path or a directory with no JSON file, broken rule pack or configuration.
        """
    }
}

struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
