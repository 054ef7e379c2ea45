// libFuzzer entry point over the parser and the whole engine. Not part of the SwiftPM package:
// scripts/fuzz.sh compiles it together with Sources/PolicyLint/**/*.swift and the embedded rule
// packs into one module with `swiftc -sanitize=fuzzer,address -parse-as-library`.
//
// Beyond "no crash", each input is held to what the reports promise: every node and finding
// lies inside the input, a parser problem always becomes its json/* finding, no control
// character from the input reaches any report raw, the JSON and SARIF reports are themselves
// valid JSON, and a safe fix never breaks the JSON it fixes.

/// Built once: loading the packs is slow and not what is being fuzzed.
let fuzzLinter: Linter = {
    do {
        return Linter(ruleSet: try RuleSet.builtIn())
    } catch {
        fatalError("the built-in rule packs do not load: \(error)")
    }
}()

/// The same engine reading every input as a template (`--template jinja`).
let fuzzTemplateLinter: Linter = {
    var linter = fuzzLinter
    linter.options.template = .jinja
    return linter
}()

/// `policylint fix`, with the same packs.
let fuzzFixer: Fixer = Fixer(ruleSet: fuzzLinter.ruleSet, options: LintOptions())

/// The reporters get a rule set without rules: SARIF would otherwise spend most of each run
/// writing the same rule metadata, which no input changes.
let fuzzReportRules: RuleSet = {
    do { return try RuleSet(packs: []) } catch { fatalError("an empty rule set does not load: \(error)") }
}()

let fuzzReportOptions: ReportOptions = {
    var options = ReportOptions()
    options.baseURI = "file:///fuzz/"
    return options
}()

/// `precondition`, but its message survives an optimized build (the crash log says what broke).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

func requireNoRawControlCharacters(_ report: String, _ format: String) {
    for scalar in report.unicodeScalars where scalar != "\n" {
        require(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) && !isBidiControl(scalar),
                     "a raw control character U+\(hex(scalar.value, width: 4)) in the \(format) report")
    }
}

func requireValidJSON(_ report: String, _ format: String) {
    let doc = JSONParser.parse(Array(report.utf8))
    require(doc.problems.isEmpty && doc.isComplete, "the \(format) report is not valid JSON: \(doc.problems.first?.message ?? "cut short")")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))

    // The parser alone, and the template reader: every node and problem lies inside the input.
    let doc = JSONParser.parse(bytes)
    for read in [doc, TemplateReader.parse(bytes)] {
        for (i, node) in read.nodes.enumerated() {
            require(node.start <= node.end, "node \(i) ends before it starts")
            require(Int(node.end) <= bytes.count, "node \(i) ends past the input")
            require(Int(node.subtreeEnd) > i && Int(node.subtreeEnd) <= read.nodes.count, "node \(i) has a bad subtree end")
        }
        for problem in read.problems {
            require(problem.offset >= 0 && problem.offset <= problem.endOffset && problem.endOffset <= bytes.count,
                         "a problem outside the input: \(problem)")
        }
        // Decoding every string (a placeholder's text among them) and number does not trap.
        for i in read.nodes.indices {
            switch read.kind(i) {
            case .string: _ = read.string(i)
            case .number: _ = read.double(i)
            default: break
            }
        }
    }

    // The whole engine: discovery, every check, placing (pointer, position, excerpt), as the
    // command line runs it, and again reading the input as a template.
    let reports = fuzzLinter.lint(bundle: [("fuzz.json", bytes)])
    for (linter, report) in [(fuzzLinter, reports[0]), (fuzzTemplateLinter, fuzzTemplateLinter.lint(file: "fuzz.json", bytes: bytes))] {
        for finding in report.findings {
            require(finding.start.line >= 1 && finding.start.column >= 1, "a finding at \(finding.start)")
            require(finding.start <= finding.end, "a finding that ends before it starts")
        }
        // The first problem of the document the engine read (plain JSON, or in auto a template
        // when the JSON stopped at template syntax) has its finding.
        if let first = linter.parse(file: "fuzz.json", bytes: bytes).problems.first {
            let rule = first.kind == .syntax ? "json/syntax" : "json/encoding"
            require(report.findings.contains { $0.ruleID == rule && $0.byteRange.lowerBound == first.offset },
                         "the parser's first problem has no \(rule) finding")
        }
    }

    // Every format of the registry: no report carries a raw control character, and a JSON one
    // is valid JSON.
    let run = RunResult(files: reports, ruleSet: fuzzReportRules, toolVersion: "fuzz", runFindings: fuzzLinter.runFindings(reports))
    for format in ReportFormat.all where format.writesRuns {
        let report = format.reporter(fuzzReportOptions)?.render(run) ?? ""
        requireNoRawControlCharacters(report, format.name)
        if format.mediaType.hasSuffix("json") { requireValidJSON(report, format.name) }
    }

    // The fixer never touches a file with syntax errors, and never turns valid JSON into
    // invalid JSON.
    switch fuzzFixer.fix(file: "fuzz.json", bytes: bytes) {
    case .fixed(let fixed, _):
        require(doc.problems.isEmpty, "a file with syntax errors was fixed")
        let after = JSONParser.parse(fixed)
        require(after.problems.isEmpty && after.isComplete, "a fix broke the JSON: \(after.problems.first?.message ?? "cut short")")
    case .unchanged, .refused: break
    }
    return 0
}
