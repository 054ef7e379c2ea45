/// Findings for people: `path:line:col: level [rule] message`, the source line with a caret,
/// and a closing summary. The only reporter that knows about colour.
public struct TextReporter: Reporter {
    public var color: Bool
    /// Show the findings an ignore suppresses (`--show-suppressed`), marked with its reason.
    public var showSuppressed: Bool
    public init(color: Bool, showSuppressed: Bool = false) { self.color = color; self.showSuppressed = showSuppressed }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    func levelCode(_ level: Level) -> String {
        switch level { case .error: "1;31"; case .warning: "1;33"; case .note: "1;36" }
    }

    public func render(_ run: RunResult) -> String {
        var out = ""
        for finding in run.shownFindings(showSuppressed: showSuppressed) {
            out += paint("\(terminalSafe(finding.file)):\(finding.start.line):\(finding.start.column):", "1")
            out += " " + paint(finding.level.rawValue, levelCode(finding.level))
            out += " [\(finding.ruleID)] \(terminalSafe(finding.message))"
            if let suppression = finding.suppression {
                out += " " + paint("(suppressed by \(terminalSafe(suppression.source)): \(terminalSafe(suppression.reason)))", "2")
            }
            out += "\n"
            if let excerpt = finding.excerpt {
                let number = String(finding.start.line)
                let gutter = String(repeating: " ", count: number.count)
                out += paint(" \(number) |", "2") + " " + terminalSafe(excerpt.text) + "\n"
                let caretLine = String(repeating: " ", count: excerpt.caretColumn - 1) + "^" + String(repeating: "~", count: min(excerpt.caretLength, 80) - 1)
                out += paint(" \(gutter) |", "2") + " " + paint(caretLine, levelCode(finding.level)) + "\n"
            }
        }
        out += runFindingLines(run)
        out += summary(run)
        return out
    }

    /// A finding about the whole run has no file or line: `policylint:` stands where the path
    /// would, as on the command's other messages.
    func runFindingLines(_ run: RunResult) -> String {
        run.runFindings.map { f in
            paint("policylint:", "1") + " " + paint(f.level.rawValue, levelCode(f.level)) + " [\(f.ruleID)] \(terminalSafe(f.message))\n"
        }.joined()
    }

    func summary(_ run: RunResult) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let errors = run.count(.error), warnings = run.count(.warning), notes = run.count(.note)
        let withFindings = run.files.filter { $0.findings.contains { $0.suppression == nil } }.count
        var out = run.shownFindings(showSuppressed: showSuppressed).isEmpty && run.runFindings.isEmpty ? "" : "\n"
        out += "\(plural(errors, "error")), \(plural(warnings, "warning")), \(plural(notes, "note")) in \(plural(run.files.count, "file"))"
        out += withFindings > 0 ? " (\(withFindings) with findings)" : ""
        // What was left out, so a clean-looking report never hides that something was accepted.
        var hidden: [String] = []
        if run.suppressedCount > 0 { hidden.append("\(run.suppressedCount) suppressed by the configuration\(showSuppressed ? "" : " (--show-suppressed shows them)")") }
        if run.baselinedCount > 0 { hidden.append("\(run.baselinedCount) in the baseline") }
        out += hidden.isEmpty ? "\n" : "; " + hidden.joined(separator: ", ") + "\n"
        func list(_ types: [String: Int]) -> String {
            types.sorted { $0.key < $1.key }.map { "\(terminalSafe($0.key)) ×\($0.value)" }.joined(separator: ", ")
        }
        let checked = run.checkedTypes, unchecked = run.uncheckedTypes
        if !checked.isEmpty { out += "checked: \(list(checked))\n" }
        let assumed = run.assumedTypes
        if !assumed.isEmpty { out += "assumed from their fields (no resource_type): \(list(assumed)); --kind or the configuration's kinds name the type\n" }
        if !unchecked.isEmpty { out += "no rules for: \(list(unchecked))\n" }
        if let templates = run.templateSummary { out += terminalSafe(templates) + "\n" }
        if !run.skippedFiles.isEmpty {
            let n = run.skippedFiles.count
            out += "skipped: \(plural(n, "file")) \(n == 1 ? "holds" : "hold") no NSX or SPS object: \(run.skippedFiles.map(terminalSafe).joined(separator: ", "))\n"
        }
        return out + ruleTable(run)
    }

    /// For large runs (more findings than fit a screen) a compact table by rule closes the
    /// report, so an auditor sees where the weight is without scrolling back.
    func ruleTable(_ run: RunResult) -> String {
        let shown = run.shownFindings(showSuppressed: showSuppressed)
        guard shown.count > 40 else { return "" }
        var rows: [String: [Level: Int]] = [:]
        for f in shown { rows[f.ruleID, default: [:]][f.level, default: 0] += 1 }
        let width = max(4, rows.keys.map(\.count).max() ?? 4)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func cell(_ n: Int?) -> String { let t = n.map(String.init) ?? "-"; return String(repeating: " ", count: max(0, 8 - t.count)) + t }
        var out = "\n\(pad("rule", width))    error  warning     note\n"
        let sorted = rows.sorted { a, b in
            let x = a.value.values.reduce(0, +), y = b.value.values.reduce(0, +)
            return x != y ? x > y : a.key < b.key
        }
        for (rule, levels) in sorted {
            out += "\(pad(rule, width))\(cell(levels[.error]))\(cell(levels[.warning]))\(cell(levels[.note]))\n"
        }
        return out
    }
}
