/// Findings as a plain JSON array, for scripts. A finding about the whole run (no file) comes
/// last, with null file, position and pointer.
public struct JSONReporter: Reporter {
    /// Include the findings an ignore suppresses (`--show-suppressed`), with `suppressed`.
    public var showSuppressed: Bool
    public init(showSuppressed: Bool = false) { self.showSuppressed = showSuppressed }

    public func render(_ run: RunResult) -> String {
        var w = JSONText()
        w.array { w in
            for f in run.shownFindings(showSuppressed: showSuppressed) {
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
                    if let suppression = f.suppression {
                        w.key("suppressed")
                        w.object { w in w.field("reason", suppression.reason); w.field("by", suppression.source) }
                    }
                }
            }
            // A finding about the whole run: the same keys, null where it has no place.
            for f in run.runFindings {
                w.object { w in
                    for key in ["file", "line", "column", "endLine", "endColumn"] { w.key(key); w.null() }
                    w.field("level", f.level.rawValue)
                    w.field("rule", f.ruleID)
                    w.field("message", f.message)
                    w.key("pointer"); w.null()
                }
            }
        }
        return w.text + "\n"
    }
}
