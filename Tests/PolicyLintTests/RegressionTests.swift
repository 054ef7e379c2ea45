import Foundation
import Testing
@testable import PolicyLint

/// Inputs the fuzzer found (testdata/regressions, described in its README), held to the same
/// invariants as the fuzz target, `Fuzz/FuzzEntry.swift`.
@Suite("Fuzzer regressions")
struct RegressionTests {
    static let folder = Golden.root.appendingPathComponent("testdata/regressions")
    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0 != "README.md" }.sorted()
    }

    static func rawControls(_ text: String) -> [UInt32] {
        text.unicodeScalars.filter { s in
            (s.value < 0x20 && s != "\n") || (0x7F...0x9F).contains(s.value) || isBidiControl(s)
        }.map(\.value)
    }

    @Test func theRegressionsAreThere() { #expect(!Self.files.isEmpty) }

    @Test("a fuzzer-found input holds every invariant", arguments: files)
    func invariants(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        let doc = JSONParser.parse(bytes)
        for (i, node) in doc.nodes.enumerated() {
            #expect(node.start <= node.end && Int(node.end) <= bytes.count, "node \(i): \(node.start)..<\(node.end)")
            #expect(Int(node.subtreeEnd) > i && Int(node.subtreeEnd) <= doc.nodes.count, "node \(i)")
        }
        for problem in doc.problems {
            #expect(problem.offset >= 0 && problem.offset <= problem.endOffset && problem.endOffset <= bytes.count, "\(problem)")
        }
        for i in doc.nodes.indices where doc.kind(i) == .string { _ = doc.string(i) }

        let reports = Linter(ruleSet: builtInRules).lint(bundle: [(name, bytes)])
        for finding in reports[0].findings {
            #expect(finding.start.line >= 1 && finding.start.column >= 1 && finding.start <= finding.end)
        }
        if let first = doc.problems.first {
            let rule = first.kind == .syntax ? "json/syntax" : "json/encoding"
            #expect(reports[0].findings.contains { $0.ruleID == rule && $0.byteRange.lowerBound == first.offset })
        }
        let run = RunResult(files: reports, ruleSet: builtInRules, toolVersion: "test")
        for format in ReportFormat.all where format.writesRuns {
            let text = format.reporter(ReportOptions())?.render(run) ?? ""
            #expect(Self.rawControls(text).isEmpty, "\(format.name)")
            if format.mediaType.hasSuffix("json") {
                let report = JSONParser.parse(Array(text.utf8))
                #expect(report.problems.isEmpty && report.isComplete, "\(format.name) is not valid JSON")
            }
        }
    }
}

@Test("a cipher suite name whose _WITH_ starts inside TLS_ is an unknown suite, not a crash")
func cipherSuiteWithOverlappingPrefix() throws {
    let bytes = Array(#"{"resource_type": "ApiServiceConfig", "cipher_suites": [{"name": "TLS_WITH_AES_128_GCM_SHA256", "enabled": true}]}"#.utf8)
    let report = Linter(ruleSet: builtInRules).lint(file: "tls.json", bytes: bytes)
    let unknown = try #require(report.findings.first { $0.ruleID == "tls/unknown-cipher" })
    #expect(unknown.message.contains("did you mean TLS_RSA_WITH_AES_128_GCM_SHA256?"))
}
