/// The run as JSON, for scripts: `findings` (a finding about the whole run, with no file, comes
/// last, with null file, position and pointer) and `coverage`, what the run checked, so that a
/// pipeline can assert nothing went unchecked: objects by type (checked, of types no pack or
/// model checks, assumed from their fields), and the files a directory walk skipped.
public struct JSONReporter: Reporter {
    /// Include the findings an ignore suppresses (`--show-suppressed`), with `suppressed`.
    public var showSuppressed: Bool
    public init(showSuppressed: Bool = false) { self.showSuppressed = showSuppressed }

    public func render(_ run: RunResult) -> String {
        var w = JSONText()
        w.object { w in
            w.key("findings")
            findings(run, &w)
            w.key("coverage")
            w.object { w in
                for (key, types) in [("checkedTypes", run.checkedTypes), ("uncheckedTypes", run.uncheckedTypes), ("assumedTypes", run.assumedTypes)] {
                    w.key(key)
                    w.object { w in for (name, count) in types.sorted(by: { $0.key < $1.key }) { w.field(name, count) } }
                }
                w.key("skippedFiles")
                w.array { w in for file in run.skippedFiles { w.string(file) } }
                // Only when there are some: a run of plain JSON keeps the shape it always had.
                let templates = run.templateFiles
                if !templates.isEmpty {
                    w.key("templateFiles")
                    w.array { w in for file in templates { w.string(file) } }
                }
            }
        }
        return w.text + "\n"
    }

    func findings(_ run: RunResult, _ w: inout JSONText) {
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
    }
}
