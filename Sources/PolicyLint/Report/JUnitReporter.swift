/// JUnit XML, for CI systems that show test results: one test suite per file, one test case per
/// finding (a file without findings has one passing case). A finding at or above the fail level
/// is a `<failure>`; one below it passes with the finding in `<system-out>`, so the report agrees
/// with the exit code. Test case names use the rule and the JSON pointer, not the line, so a
/// CI's history of a case survives moved lines.
public struct JUnitReporter: Reporter {
    /// The least level that fails (`--fail-on`); nil: nothing fails.
    public var failLevel: Level?
    /// Show suppressed findings as skipped cases (`--show-suppressed`).
    public var showSuppressed: Bool

    public init(failLevel: Level? = .error, showSuppressed: Bool = false) {
        self.failLevel = failLevel
        self.showSuppressed = showSuppressed
    }

    /// The suite of the findings about the whole run (`discovery/nothing-checked`).
    static let runSuiteName = "policylint run"

    public func render(_ run: RunResult) -> String {
        struct Suite { var name: String; var cases: [String] = []; var failures = 0; var skipped = 0; var names: [String: Int] = [:] }
        var suites: [Suite] = []
        var byFile: [String: Int] = [:]
        for file in run.files.map(\.file).sorted() where byFile[file] == nil {
            byFile[file] = suites.count
            suites.append(Suite(name: file))
        }
        for f in run.shownFindings(showSuppressed: showSuppressed) {
            guard let i = byFile[f.file] else { continue }
            let pointer = f.pointer.isEmpty ? "(document)" : f.pointer
            // A second finding of the same rule at the same place gets a number: CI systems
            // merge cases of the same name.
            var name = "\(f.ruleID) at \(pointer)"
            let seen = suites[i].names[name, default: 0] + 1
            suites[i].names[name] = seen
            if seen > 1 { name += " #\(seen)" }
            let line = "\(f.file):\(f.start.line):\(f.start.column): \(f.level.rawValue) [\(f.ruleID)] \(f.message)"
            let body = Self.escaped(line) + "\n" + Self.escaped("pointer: \(pointer)")
            var c = "    <testcase name=\"\(Self.escaped(name, attribute: true))\" classname=\"\(Self.escaped(f.file, attribute: true))\">"
            if let suppression = f.suppression {
                c += "<skipped message=\"\(Self.escaped("suppressed by \(suppression.source): \(suppression.reason)", attribute: true))\"/>"
                suites[i].skipped += 1
            } else if let failLevel, f.level >= failLevel {
                c += "<failure message=\"\(Self.escaped(f.message, attribute: true))\" type=\"\(f.level.rawValue)\">\(body)</failure>"
                suites[i].failures += 1
            } else {
                c += "<system-out>\(body)</system-out>"
            }
            suites[i].cases.append(c + "</testcase>")
        }
        // Findings about the whole run have no file: their own suite, named for the run.
        if !run.runFindings.isEmpty {
            var suite = Suite(name: Self.runSuiteName)
            for f in run.runFindings {
                let body = Self.escaped("policylint: \(f.level.rawValue) [\(f.ruleID)] \(f.message)")
                var c = "    <testcase name=\"\(Self.escaped(f.ruleID, attribute: true))\" classname=\"\(Self.runSuiteName)\">"
                if let failLevel, f.level >= failLevel {
                    c += "<failure message=\"\(Self.escaped(f.message, attribute: true))\" type=\"\(f.level.rawValue)\">\(body)</failure>"
                    suite.failures += 1
                } else {
                    c += "<system-out>\(body)</system-out>"
                }
                suite.cases.append(c + "</testcase>")
            }
            suites.append(suite)
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let tests = suites.reduce(0) { $0 + max(1, $1.cases.count) }
        let failures = suites.reduce(0) { $0 + $1.failures }, skipped = suites.reduce(0) { $0 + $1.skipped }
        out += "<testsuites name=\"policylint\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        for suite in suites {
            let name = Self.escaped(suite.name, attribute: true)
            out += "  <testsuite name=\"\(name)\" tests=\"\(max(1, suite.cases.count))\" failures=\"\(suite.failures)\" errors=\"0\" skipped=\"\(suite.skipped)\">\n"
            if suite.cases.isEmpty {
                out += "    <testcase name=\"policylint\" classname=\"\(name)\"/>\n"
            }
            for c in suite.cases { out += c + "\n" }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// Text for an element, or for a double-quoted attribute: markup characters as entities, and
    /// control characters (which XML 1.0 forbids even as character references) shown as `\u{…}`.
    static func escaped(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        for scalar in terminalSafe(s).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\u{FFFE}", "\u{FFFF}": out += "\\u{\(hex(scalar.value, width: 4))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
