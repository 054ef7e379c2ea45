// libFuzzer entry point over the parser and the whole engine. Not part of the SwiftPM package:
// scripts/fuzz.sh compiles it together with Sources/PolicyLint/**/*.swift and the embedded rule
// packs into one module with `swiftc -sanitize=fuzzer,address -parse-as-library`.

/// Built once: loading the packs is slow and not what is being fuzzed.
nonisolated(unsafe) let fuzzLinter: Linter = {
    do {
        return Linter(ruleSet: try RuleSet.builtIn())
    } catch {
        fatalError("the built-in rule packs do not load: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))

    // The parser alone: every node and problem must lie inside the input.
    let doc = JSONParser.parse(bytes)
    for (i, node) in doc.nodes.enumerated() {
        precondition(node.start <= node.end || node.isTruncated, "node \(i) ends before it starts")
        precondition(Int(node.end) <= bytes.count, "node \(i) ends past the input")
        precondition(Int(node.subtreeEnd) > i && Int(node.subtreeEnd) <= doc.nodes.count, "node \(i) has a bad subtree end")
    }
    for problem in doc.problems {
        precondition(problem.offset >= 0 && problem.offset <= bytes.count, "a problem outside the input")
    }
    // Decoding every string and number must not trap.
    for i in doc.nodes.indices {
        switch doc.kind(i) {
        case .string: _ = doc.string(i)
        case .number: _ = doc.double(i)
        default: break
        }
    }

    // The whole engine: discovery, every check, placing (pointer, position, excerpt) and the
    // reporters, as the command line runs them.
    let reports = fuzzLinter.lint(bundle: [("fuzz.json", bytes)])
    for finding in reports[0].findings {
        precondition(finding.start.line >= 1 && finding.start.column >= 1, "a finding at \(finding.start)")
        precondition(finding.start <= finding.end, "a finding that ends before it starts")
    }
    // When the input is a syntax or encoding error, the first finding says so.
    if let first = doc.problems.first {
        precondition(reports[0].findings.contains { $0.ruleID == (first.kind == .syntax ? "json/syntax" : "json/encoding") },
                     "a parser problem without its finding")
    }
    let run = RunResult(files: reports, ruleSet: fuzzLinter.ruleSet, toolVersion: "fuzz")
    let text = TextReporter(color: false).render(run)
    // Nothing from the input reaches the text report raw: no C0/C1 control but the line break.
    for scalar in text.unicodeScalars where scalar != "\n" {
        precondition(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) && !isBidiControl(scalar),
                     "a control character U+\(hex(scalar.value, width: 4)) in the text report")
    }
    _ = JSONReporter().render(run)
    _ = SarifReporter(baseURI: "file:///fuzz/").render(run)
    return 0
}
