/// SARIF 2.1.0 for code scanning: full rule metadata, results with region, JSON pointer as the
/// logical location, and a fingerprint that does not change when lines move.
public struct SarifReporter: Reporter {
    /// The working directory as a `file://` URI ending in `/`, for `originalUriBaseIds`.
    public var baseURI: String?
    /// Leave suppressed findings out (`--omit-suppressed`): code scanning does not honour SARIF
    /// suppressions, so there they would show as open alerts.
    public var omitSuppressed: Bool
    /// At most this many results (nil: no limit). GitHub code scanning rejects a run with more
    /// than `gitHubResultLimit`, so the most severe are kept and a tool notification counts the
    /// others (`--sarif-max-results`).
    public var maxResults: Int?

    /// "Results per run: 25,000" in the limits table of GitHub's "SARIF support for code
    /// scanning" (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning);
    /// a file over it is rejected whole ("Analysis SARIF file rejected due to result limits").
    public static let gitHubResultLimit = 25_000

    public init(baseURI: String? = nil, omitSuppressed: Bool = false, maxResults: Int? = SarifReporter.gitHubResultLimit) {
        self.baseURI = baseURI
        self.omitSuppressed = omitSuppressed
        self.maxResults = maxResults
    }

    /// The results within `limit`: errors first, then warnings, then notes, each in report
    /// order, and findings an ignore suppresses after all the others; written in report order.
    /// Also how many of each level were left out.
    static func mostSevere(_ findings: [Finding], limit: Int) -> (kept: [Finding], leftOut: [Level: Int]) {
        guard findings.count > limit else { return (findings, [:]) }
        let ranked = findings.indices.sorted { a, b in
            let x = findings[a], y = findings[b]
            if (x.suppression == nil) != (y.suppression == nil) { return x.suppression == nil }
            if x.level != y.level { return x.level > y.level }
            return a < b
        }
        var leftOut: [Level: Int] = [:]
        for i in ranked[limit...] { leftOut[findings[i].level, default: 0] += 1 }
        return (ranked[..<limit].sorted().map { findings[$0] }, leftOut)
    }

    public func render(_ run: RunResult) -> String {
        let all = run.findings.filter { !(omitSuppressed && $0.suppression != nil) }
        let (results, leftOut) = maxResults.map { Self.mostSevere(all, limit: $0) } ?? (all, [:])
        // The rules the log's results and notifications name, in the catalogue's order: writing
        // every rule with its help was a quarter of a small file's run, and code scanning reads
        // only the rules a result names.
        let reported = Set(results.map(\.ruleID) + run.runFindings.map(\.ruleID))
        let ruleIDs = run.ruleSet.ruleOrder.filter(reported.contains)
        var ruleIndex: [String: Int] = [:]
        for (i, id) in ruleIDs.enumerated() { ruleIndex[id] = i }
        var w = JSONText()
        w.object { w in
            w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
            w.field("version", "2.1.0")
            w.key("runs")
            w.array { w in
                w.object { w in
                    w.key("tool")
                    w.object { w in
                        w.key("driver")
                        w.object { w in
                            w.field("name", "policylint")
                            w.field("semanticVersion", run.toolVersion)
                            w.field("informationUri", "https://github.com/policylint/policylint")
                            w.key("rules")
                            w.array { w in
                                for id in ruleIDs { if let rule = run.ruleSet.rules[id] { writeRule(rule, &w) } }
                            }
                        }
                    }
                    if let baseURI {
                        w.key("originalUriBaseIds")
                        w.object { w in
                            w.key("%SRCROOT%")
                            w.object { w in w.field("uri", baseURI) }
                        }
                    }
                    w.field("columnKind", "unicodeCodePoints")
                    // What is not a result goes to the run's invocation as a tool notification: a
                    // finding about the whole run (GitHub rejects the whole file for a result with
                    // no location: github/codeql-action#1738, "locationFromSarifResult: expected
                    // at least one location"), and the count of results left out.
                    var notifications = run.runFindings.map { (level: $0.level, text: $0.message, rule: Optional($0.ruleID)) }
                    if !leftOut.isEmpty {
                        notifications.append((.warning, Self.leftOutMessage(kept: results.count, of: all.count, leftOut: leftOut), nil))
                    }
                    if !notifications.isEmpty {
                        w.key("invocations")
                        w.array { w in
                            w.object { w in
                                w.key("executionSuccessful"); w.bool(true)
                                w.key("toolExecutionNotifications")
                                w.array { w in
                                    for n in notifications {
                                        w.object { w in
                                            w.field("level", n.level.rawValue)
                                            w.key("message"); w.object { w in w.field("text", n.text) }
                                            if let rule = n.rule {
                                                w.key("associatedRule")
                                                w.object { w in
                                                    w.field("id", rule)
                                                    if let index = ruleIndex[rule] { w.field("index", index) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    w.key("results")
                    w.array { w in
                        for finding in results { writeResult(finding, index: ruleIndex[finding.ruleID], &w) }
                    }
                    // What the run covered, so a pipeline can assert that nothing went
                    // unchecked: objects by type (checked, of types no pack checks, assumed from
                    // their fields), and files a directory walk skipped (no NSX or SPS object).
                    w.key("properties")
                    w.object { w in
                        for (key, types) in [("checkedTypes", run.checkedTypes), ("uncheckedTypes", run.uncheckedTypes), ("assumedTypes", run.assumedTypes)] {
                            w.key(key)
                            w.object { w in for (name, count) in types.sorted(by: { $0.key < $1.key }) { w.field(name, count) } }
                        }
                        if !run.skippedFiles.isEmpty {
                            w.key("skippedFiles")
                            w.array { w in for file in run.skippedFiles { w.string(uriReference(file)) } }
                        }
                        // Files read as templates: their placeholders were not checked.
                        let templates = run.templateFiles
                        if !templates.isEmpty {
                            w.key("templateFiles")
                            w.array { w in for file in templates { w.string(uriReference(file)) } }
                        }
                    }
                }
            }
        }
        return w.text + "\n"
    }

    static func leftOutMessage(kept: Int, of total: Int, leftOut: [Level: Int]) -> String {
        let counts = Level.allCases.reversed().compactMap { level in leftOut[level].map { "\($0) \(level.rawValue)\($0 == 1 ? "" : "s")" } }
        let why = kept == gitHubResultLimit ? "GitHub code scanning accepts at most \(gitHubResultLimit) per run" : "--sarif-max-results is \(kept)"
        return "this log holds \(kept) of the run's \(total) results: \(why), "
            + "so the most severe were kept (errors, then warnings, then notes) and \(total - kept) left out (\(counts.joined(separator: ", "))); "
            + "policylint --format json lists every finding, and --sarif-max-results 0 writes them all into the SARIF"
    }

    func writeRule(_ rule: RuleDescription, _ w: inout JSONText) {
        w.object { w in
            w.field("id", rule.id)
            w.field("name", ruleName(rule.id))
            w.key("shortDescription"); w.object { w in w.field("text", rule.summary) }
            w.key("fullDescription"); w.object { w in w.field("text", rule.explanation) }
            w.key("help")
            w.object { w in
                w.field("text", RuleDocumentation.helpText(rule))
                w.field("markdown", RuleDocumentation.helpMarkdown(rule))
            }
            w.key("defaultConfiguration"); w.object { w in w.field("level", rule.level.rawValue) }
            w.key("properties")
            w.object { w in
                w.key("tags"); w.array { w in for tag in [rule.id.split(separator: "/")[0].description] + rule.tags { w.string(tag) } }
            }
        }
    }

    /// `nsx/sequence-range` → `NsxSequenceRange`.
    func ruleName(_ id: String) -> String {
        id.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    func writeResult(_ finding: Finding, index: Int?, _ w: inout JSONText) {
        w.object { w in
            w.field("ruleId", finding.ruleID)
            if let index { w.field("ruleIndex", index) }
            w.field("level", finding.level.rawValue)
            w.key("message"); w.object { w in w.field("text", finding.message) }
            w.key("locations")
            w.array { w in
                w.object { w in
                    w.key("physicalLocation")
                    w.object { w in
                        writeArtifactLocation(finding.file, &w)
                        w.key("region")
                        writeRegion(finding.start, finding.end, &w)
                    }
                    w.key("logicalLocations")
                    w.array { w in w.object { w in w.field("fullyQualifiedName", finding.pointer); w.field("kind", "member") } }
                }
            }
            // The places the message names (the earlier rules that shadow a rule), in any file.
            if !finding.related.isEmpty {
                w.key("relatedLocations")
                w.array { w in
                    for (i, related) in finding.related.enumerated() {
                        w.object { w in
                            w.field("id", i + 1)
                            w.key("physicalLocation")
                            w.object { w in
                                writeArtifactLocation(related.file, &w)
                                w.key("region")
                                writeRegion(related.start, related.end, &w)
                            }
                            w.key("message"); w.object { w in w.field("text", related.message) }
                        }
                    }
                }
            }
            if let fix = finding.fix {
                w.key("fixes")
                w.array { w in
                    w.object { w in
                        w.key("description"); w.object { w in w.field("text", fix.description) }
                        w.key("artifactChanges")
                        w.array { w in
                            w.object { w in
                                writeArtifactLocation(finding.file, &w)
                                w.key("replacements")
                                w.array { w in
                                    w.object { w in
                                        w.key("deletedRegion")
                                        writeRegion(fix.start, fix.end, &w)
                                        w.key("insertedContent"); w.object { w in w.field("text", fix.edit.replacement) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            w.key("partialFingerprints")
            w.object { w in w.field("primaryLocationLineHash", fingerprint(finding)) }
            if let suppression = finding.suppression {
                // External: the justification lives in .policylint.json, not beside the finding.
                w.key("suppressions")
                w.array { w in w.object { w in w.field("kind", "external"); w.field("justification", suppression.reason) } }
            }
        }
    }

    func writeArtifactLocation(_ file: String, _ w: inout JSONText) {
        w.key("artifactLocation")
        w.object { w in
            w.field("uri", uriReference(file))
            if baseURI != nil && !file.hasPrefix("/") { w.field("uriBaseId", "%SRCROOT%") }
        }
    }

    /// A region; an empty one on one line is widened to one column, which SARIF viewers need to
    /// show a marker.
    func writeRegion(_ start: SourcePosition, _ end: SourcePosition, _ w: inout JSONText) {
        w.object { w in
            w.field("startLine", start.line)
            w.field("startColumn", start.column)
            w.field("endLine", end.line)
            w.field("endColumn", max(end.column, end.line == start.line ? start.column + 1 : 1))
        }
    }

    /// Rule, pointer and value: the same finding keeps its fingerprint wherever its line goes.
    func fingerprint(_ finding: Finding) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for b in "\(finding.ruleID)\u{0}\(finding.pointer)\u{0}\(finding.valueHash)".utf8 { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        return hex(UInt32(hash >> 32), width: 8).lowercased() + hex(UInt32(hash & 0xFFFF_FFFF), width: 8).lowercased() + ":1"
    }
}

/// A path as a URI reference: relative, or a `file://` URI for an absolute path; `/` kept,
/// everything outside RFC 3986's unreserved set percent-encoded.
public func uriReference(_ path: String) -> String {
    var out = path.hasPrefix("/") ? "file://" : ""
    for byte in path.utf8 {
        let c = Character(Unicode.Scalar(byte))
        if byte < 0x80 && (c.isLetter || c.isNumber || "-._~/".contains(c)) { out.append(c) } else { out += "%" + hex(UInt32(byte), width: 2) }
    }
    return out
}
