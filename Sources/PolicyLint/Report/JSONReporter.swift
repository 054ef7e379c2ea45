/// Findings as a plain JSON array, for scripts.
public struct JSONReporter {
    public init() {}

    public func render(_ run: RunResult) -> String {
        var w = JSONText()
        w.array { w in
            for f in run.findings {
                w.object { w in
                    w.field("file", f.file)
                    w.field("line", f.start.line)
                    w.field("column", f.start.column)
                    w.field("endLine", f.end.line)
                    w.field("endColumn", f.end.column)
                    w.field("level", f.level.rawValue)
                    w.field("rule", f.ruleID)
                    w.field("message", f.message)
                    w.field("pointer", f.pointer)
                }
            }
        }
        return w.text + "\n"
    }
}
