/// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's
/// diff (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`).
///
/// GitHub shows at most 10 annotations of each kind per step and drops the rest silently, so
/// policylint annotates the first 10 of each level, lists the others as plain log lines, and
/// ends with one notice counting them. Suppressed findings are never annotated.
public struct GitHubReporter: Reporter {
    static let annotationsPerLevel = 10

    public init() {}

    public func render(_ run: RunResult) -> String {
        let findings = run.shownFindings(showSuppressed: false)
        var total: [Level: Int] = [:]
        for f in findings { total[f.level, default: 0] += 1 }
        for f in run.runFindings { total[f.level, default: 0] += 1 }
        // The closing notice is itself a notice: when there is one, notes leave it a place.
        let limit = Self.annotationsPerLevel
        let overflows = (total[.error] ?? 0) > limit || (total[.warning] ?? 0) > limit || (total[.note] ?? 0) > limit
        func cap(_ level: Level) -> Int { level == .note && overflows ? limit - 1 : limit }

        var out = "", rest = ""
        var shown: [Level: Int] = [:], hidden: [Level: Int] = [:]
        // A finding about the whole run first: an annotation with no file, shown on the run's
        // summary page. It takes its place within its level's 10.
        for f in run.runFindings {
            shown[f.level, default: 0] += 1
            out += "::\(command(f.level)) title=\(Self.escapeProperty(f.ruleID))::\(Self.escapeData(f.message))\n"
        }
        for f in findings {
            if shown[f.level, default: 0] < cap(f.level) {
                shown[f.level, default: 0] += 1
                out += "::\(command(f.level)) "
                out += [("file", f.file), ("line", String(f.start.line)), ("col", String(f.start.column)),
                        ("endLine", String(f.end.line)), ("endColumn", String(f.end.column)), ("title", f.ruleID)]
                    .map { "\($0)=\(Self.escapeProperty($1))" }.joined(separator: ",")
                out += "::\(Self.escapeData(f.message))\n"
            } else {
                hidden[f.level, default: 0] += 1
                // Plain log lines; the prefix keeps a hostile file name from starting a command.
                rest += "policylint: not annotated: \(terminalSafe(f.file)):\(f.start.line):\(f.start.column): \(f.level.rawValue) [\(f.ruleID)] \(terminalSafe(f.message))\n"
            }
        }
        out += rest
        let hiddenTotal = hidden.values.reduce(0, +)
        if hiddenTotal > 0 {
            let counts = Level.allCases.reversed().compactMap { level in
                hidden[level].map { "\($0) \(level.rawValue)\($0 == 1 ? "" : "s")" }
            }
            out += "::notice title=policylint::" + Self.escapeData(
                "\(hiddenTotal) more finding\(hiddenTotal == 1 ? " is" : "s are") not annotated (\(counts.joined(separator: ", "))): "
                + "GitHub shows at most \(limit) annotations of each level per step; they are listed in the log above") + "\n"
        }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        out += "policylint: \(plural(run.count(.error), "error")), \(plural(run.count(.warning), "warning")), \(plural(run.count(.note), "note")) in \(plural(run.files.count, "file"))\n"
        return out
    }

    func command(_ level: Level) -> String {
        switch level { case .error: "error"; case .warning: "warning"; case .note: "notice" }
    }

    /// A command's message, escaped as the runner expects (`%`, CR, LF); any other control
    /// character is shown as `\u{…}`, never raw.
    static func escapeData(_ s: String) -> String { escape(s, property: false) }

    /// A property value (`file=…`): as a message, and `:` and `,` too, which end a property.
    static func escapeProperty(_ s: String) -> String { escape(s, property: true) }

    static func escape(_ s: String, property: Bool) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where property: out += "%3A"
            case "," where property: out += "%2C"
            default: out += terminalSafe(String(scalar))
            }
        }
        return out
    }
}
