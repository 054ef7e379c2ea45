/// An audit report as one self-contained HTML page (no network): totals, findings by rule and
/// by level as bar charts, and a sortable, filterable table with each finding's excerpt.
/// Counts, charts and table agree: findings an ignore suppresses are left out, or with
/// `showSuppressed` listed, marked with the ignore's reason and counted on their own.
public struct HTMLReporter: Reporter {
    /// List the findings an ignore suppresses (`--show-suppressed`).
    public var showSuppressed: Bool
    public init(showSuppressed: Bool = false) { self.showSuppressed = showSuppressed }

    /// Escapes text for HTML; control characters become visible escapes as in the terminal.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in terminalSafe(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    public func render(_ run: RunResult) -> String {
        let findings = run.shownFindings(showSuppressed: showSuppressed)
        let counts = Level.allCases.reversed().map { ($0, run.count($0)) }
        var byRule: [String: (count: Int, level: Level)] = [:]
        for f in findings where f.suppression == nil { byRule[f.ruleID, default: (0, f.level)].count += 1 }
        for f in run.runFindings { byRule[f.ruleID, default: (0, f.level)].count += 1 }
        let ruleRows = byRule.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
        let totalBytes = run.files.reduce(0) { $0 + $1.byteCount }

        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>policylint audit report</title>
        <style>
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2329;background:#fafbfc}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
        .meta{color:#57606a}.cards{display:flex;gap:12px;margin:16px 0}
        .card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 18px;min-width:110px}
        .card b{display:block;font-size:26px}.error{color:#cf222e}.warning{color:#9a6700}.note{color:#0969da}
        .charts{display:flex;gap:32px;flex-wrap:wrap}.chart{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px}
        table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}
        th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
        th{cursor:pointer;background:#f6f8fa;user-select:none;white-space:nowrap}th:after{content:" ⇅";color:#8c959f}
        pre{margin:4px 0 0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:6px;overflow-x:auto;white-space:pre}
        .controls{display:flex;gap:8px;margin:8px 0}input,select{font:inherit;padding:4px 8px}
        code{font:12px ui-monospace,Menlo,Consolas,monospace}
        tr.suppressed td{opacity:.6}.why{color:#57606a;font-style:italic}.suppressed{color:#57606a}
        tr.dead td{background:#fff8e5}tr.conflict td{background:#ffebe9}tr.system td{color:#57606a}
        .mark{display:inline-block;border-radius:4px;padding:0 6px;margin:0 4px 2px 0;font-size:12px;color:#fff}
        .run-finding{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:10px 14px;margin:12px 0}
        </style></head><body>
        <h1>policylint audit report</h1>
        <div class="meta">policylint \(Self.escape(run.toolVersion)) · \(run.files.count) file\(run.files.count == 1 ? "" : "s") · \(formatBytes(totalBytes))</div>
        <div class="cards">
        """
        for (level, count) in counts {
            html += "<div class=\"card\"><b class=\"\(level.rawValue)\">\(count)</b>\(level.rawValue)\(count == 1 ? "" : "s")</div>\n"
        }
        if showSuppressed && run.suppressedCount > 0 {
            html += "<div class=\"card\"><b class=\"suppressed\">\(run.suppressedCount)</b>suppressed</div>\n"
        }
        html += "<div class=\"card\"><b>\(run.checkedTypes.values.reduce(0, +))</b>objects checked</div></div>\n"
        // What the counts leave out, as the text summary says it.
        var leftOut: [String] = []
        if run.suppressedCount > 0 {
            leftOut.append(showSuppressed ? "\(run.suppressedCount) suppressed by the configuration, listed below and not counted as errors, warnings or notes"
                                          : "\(run.suppressedCount) suppressed by the configuration, not listed (--show-suppressed lists them)")
        }
        if run.baselinedCount > 0 { leftOut.append("\(run.baselinedCount) in the baseline, not listed") }
        if !leftOut.isEmpty { html += "<div class=\"meta\">\(Self.escape(leftOut.joined(separator: "; ")))</div>\n" }
        if let templates = run.templateSummary { html += "<div class=\"meta\">\(Self.escape(templates))</div>\n" }
        for f in run.runFindings {
            html += "<div class=\"run-finding\"><b class=\"\(f.level.rawValue)\">\(f.level.rawValue)</b> <code>\(Self.escape(f.ruleID))</code> \(Self.escape(f.message))</div>\n"
        }
        html += "<div class=\"charts\"><div class=\"chart\"><h2>Findings by level</h2>\n"
        html += barChart(counts.map { ($0.0.rawValue, $0.1, colour($0.0)) })
        html += "</div><div class=\"chart\"><h2>Findings by rule</h2>\n"
        html += barChart(ruleRows.prefix(25).map { ($0.key, $0.value.count, colour($0.value.level)) })
        html += "</div></div>\n<h2>Findings</h2>\n"
        html += """
        <div class="controls"><input id="filter" type="search" placeholder="Filter by text, rule or file" size="40">
        <select id="level"><option value="">all levels</option><option>error</option><option>warning</option><option>note</option>\(showSuppressed && run.suppressedCount > 0 ? "<option>suppressed</option>" : "")</select>
        <span id="shown" class="meta"></span></div>
        <table id="findings"><thead><tr><th data-kind="text">file</th><th data-kind="number">line</th><th data-kind="level">level</th><th data-kind="text">rule</th><th data-kind="text">message</th></tr></thead><tbody>

        """
        // A finding about the whole run has no file or line.
        for f in run.runFindings {
            html += "<tr data-level=\"\(f.level.rawValue)\"><td class=\"meta\">(the run)</td><td></td>"
            html += "<td class=\"\(f.level.rawValue)\">\(f.level.rawValue)</td><td><code>\(Self.escape(f.ruleID))</code></td><td>\(Self.escape(f.message))</td></tr>\n"
        }
        for f in findings {
            // A suppressed finding is filtered as "suppressed", not by its level, so that a level's
            // rows and its count agree.
            let rowLevel = f.suppression == nil ? f.level.rawValue : "suppressed"
            html += "<tr data-level=\"\(rowLevel)\"\(f.suppression == nil ? "" : " class=\"suppressed\"")><td><code>\(Self.escape(f.file))</code></td><td>\(f.start.line):\(f.start.column)</td>"
            html += "<td class=\"\(f.level.rawValue)\">\(f.level.rawValue)</td><td><code>\(Self.escape(f.ruleID))</code></td><td>\(Self.escape(f.message))"
            if let suppression = f.suppression {
                html += "<div class=\"why\">suppressed by <code>\(Self.escape(suppression.source))</code>: \(Self.escape(suppression.reason))</div>"
            }
            html += "<div class=\"meta\"><code>\(Self.escape(f.pointer.isEmpty ? "/" : f.pointer))</code></div>"
            if let e = f.excerpt {
                let caret = String(repeating: " ", count: e.caretColumn - 1) + "^" + String(repeating: "~", count: max(0, min(e.caretLength, 80) - 1))
                html += "<pre>\(Self.escape(e.text))\n\(caret)</pre>"
            }
            html += "</td></tr>\n"
        }
        html += """
        </tbody></table>

        """
        html += effectiveRuleBase(run, findings)
        html += """
        <script>
        (function(){
          var rows=[].slice.call(document.querySelectorAll('#findings tbody tr'));
          var filter=document.getElementById('filter'),level=document.getElementById('level'),shown=document.getElementById('shown');
          function apply(){var q=filter.value.toLowerCase(),l=level.value,n=0;
            rows.forEach(function(r){var ok=(!l||r.dataset.level===l)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);r.style.display=ok?'':'none';if(ok)n++;});
            shown.textContent=n+' of '+rows.length+' shown';}
          filter.addEventListener('input',apply);level.addEventListener('change',apply);apply();
          var rank={error:0,warning:1,note:2};
          [].slice.call(document.querySelectorAll('#findings th')).forEach(function(th,i){var asc=true;
            th.addEventListener('click',function(){var kind=th.dataset.kind;
              rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent,c;
                if(kind==='number'){c=(parseInt(x)||0)-(parseInt(y)||0);}else if(kind==='level'){c=rank[x]-rank[y];}else{c=x.localeCompare(y);}
                return asc?c:-c;});
              asc=!asc;var body=document.querySelector('#findings tbody');rows.forEach(function(r){body.appendChild(r);});});});
        })();
        </script>
        </body></html>

        """
        return html
    }

    /// The rule base's rules, each marked with the rule base findings about it (shadowed,
    /// conflicting, redundant, after a catch-all) and linked to the rules that cover it.
    /// Large rule bases are cut: the page stays usable.
    func effectiveRuleBase(_ run: RunResult, _ findings: [Finding]) -> String {
        guard !run.ruleBase.isEmpty else { return "" }
        let limit = 20_000
        let shown = run.ruleBase.prefix(limit)
        func key(_ file: String, _ position: SourcePosition) -> String { "\(file):\(position.line):\(position.column)" }
        var rowOf: [String: Int] = [:]
        for (i, rule) in shown.enumerated() { rowOf[key(rule.file, rule.start)] = i }
        var marks: [Int: [Finding]] = [:]
        for f in findings where f.suppression == nil && f.ruleID.hasPrefix("rulebase/") {
            if let row = rowOf[key(f.file, f.start)] { marks[row, default: []].append(f) }
        }
        let kinds = ["rulebase/shadowed-conflict": "conflict", "rulebase/shadowed": "shadowed", "rulebase/after-catch-all": "after catch-all", "rulebase/redundant": "redundant"]
        var html = "<h2 id=\"rule-base\">Effective rule base</h2>\n"
        html += "<div class=\"meta\">Every firewall rule of the run in the order NSX evaluates it (category, policy sequence number, rule sequence number); rules disabled or matching nothing are left out. Rules that never match or change nothing are marked, with links to the rules that cover them."
        if run.ruleBase.count > limit { html += " The first \(limit) of \(run.ruleBase.count) rules are listed." }
        html += "</div>\n<table id=\"rulebase\"><thead><tr><th>#</th><th>category</th><th>policy</th><th>rule</th><th>action</th><th>where</th><th>analysis</th></tr></thead><tbody>\n"
        for (i, rule) in shown.enumerated() {
            let found = marks[i] ?? []
            let rowClass = found.contains { $0.ruleID == "rulebase/shadowed-conflict" } ? "conflict" : !found.isEmpty ? "dead" : rule.system ? "system" : ""
            html += "<tr id=\"rule-\(i + 1)\"\(rowClass.isEmpty ? "" : " class=\"\(rowClass)\"")><td>\(i + 1)</td><td>\(Self.escape(rule.category))</td>"
            html += "<td>\(Self.escape(rule.policy)) <span class=\"meta\">(\(Self.escape(rule.policySequence)))</span></td>"
            html += "<td>\(Self.escape(rule.name)) <span class=\"meta\">(\(Self.escape(rule.sequence)))</span></td><td>\(Self.escape(rule.action))</td>"
            html += "<td><code>\(Self.escape(rule.file)):\(rule.start.line)</code></td><td>"
            for f in found {
                html += "<span class=\"mark\" style=\"background:\(colour(f.level))\">\(Self.escape(kinds[f.ruleID] ?? f.ruleID))</span>"
                let links = f.related.compactMap { related in rowOf[key(related.file, related.start)].map { "<a href=\"#rule-\($0 + 1)\">#\($0 + 1)</a>" } }
                if !links.isEmpty { html += "by " + links.joined(separator: ", ") + " " }
            }
            html += "</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    func colour(_ level: Level) -> String {
        switch level { case .error: "#cf222e"; case .warning: "#bf8700"; case .note: "#0969da" }
    }

    /// Horizontal bars in inline SVG: no script or network needed to draw them.
    func barChart(_ rows: [(label: String, value: Int, colour: String)]) -> String {
        let maximum = max(1, rows.map(\.value).max() ?? 1)
        let rowHeight = 22, labelWidth = 250, barWidth = 300
        var svg = "<svg width=\"\(labelWidth + barWidth + 60)\" height=\(max(1, rows.count) * rowHeight + 4) role=\"img\">\n"
        for (i, row) in rows.enumerated() {
            let y = i * rowHeight
            let width = max(row.value > 0 ? 2 : 0, row.value * barWidth / maximum)
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\" font-family=\"ui-monospace,monospace\">\(Self.escape(row.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"16\" rx=\"3\" fill=\"\(row.colour)\"/>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 15)\" font-size=\"12\">\(row.value)</text>\n"
        }
        return svg + "</svg>\n"
    }

    func formatBytes(_ n: Int) -> String {
        if n >= 1 << 20 { return "\(n / (1 << 20)) MiB" }
        if n >= 1 << 10 { return "\(n / (1 << 10)) KiB" }
        return "\(n) bytes"
    }
}
