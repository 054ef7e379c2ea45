import Foundation
import Testing
@testable import PolicyLint

/// The SARIF output validates against the OASIS SARIF 2.1.0 schema (testdata/reference), checked
/// with Python's jsonschema. CI installs it (.ci/run) and sets POLICYLINT_REQUIRE_SCHEMA=1, so
/// there this test never skips.
@Suite("SARIF schema")
struct SarifSchemaTests {
    static let schema = Golden.root.appendingPathComponent("testdata/reference/sarif-schema-2.1.0.json")
    static var validatorAvailable: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import jsonschema"]
        p.standardError = Pipe()
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
    static var required: Bool { ProcessInfo.processInfo.environment["POLICYLINT_REQUIRE_SCHEMA"] == "1" }

    @Test func samplesAndSeedsValidate() throws {
        guard Self.validatorAvailable else {
            #expect(!Self.required, "python3 with jsonschema is required here (pip install jsonschema)")
            return
        }
        let run = try Golden.lint(Golden.inputs("testdata/samples") + Golden.inputs("testdata/seeds"))
        #expect(!run.findings.isEmpty)
        let errors = try Self.schemaErrors(SarifReporter(baseURI: "file:///project/").render(run))
        #expect(errors == nil, "SARIF does not validate:\n\(errors ?? "")")
    }

    /// Validates a SARIF log against the OASIS schema; nil when valid, else the first errors.
    static func schemaErrors(_ sarif: String) throws -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("policylint-\(UUID().uuidString).sarif")
        try sarif.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        log = json.load(open(sys.argv[2]))
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(log), key=lambda e: list(e.path))
        for e in errors[:5]: print("/".join(map(str, e.path)), e.message[:200])
        sys.exit(1 if errors else 0)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, schema.path, file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return p.terminationStatus == 0 ? nil : text
    }

    @Test func resultsCarryRuleMetadataPointerAndStableFingerprint() throws {
        let text = #"{"resource_type": "SecurityPolicy", "sequence_number": 1000000}"#
        let moved = "\n\n\n" + text.replacing(", ", with: ",\n  ")
        func sarif(_ input: String) -> String {
            let report = Linter(ruleSet: builtInRules).lint(file: "p.json", bytes: Array(input.utf8))
            return SarifReporter().render(RunResult(files: [report], ruleSet: builtInRules, toolVersion: "1.2.3"))
        }
        let a = sarif(text), b = sarif(moved)
        #expect(a.contains(#""semanticVersion": "1.2.3""#))
        #expect(a.contains(#""fullyQualifiedName": "/sequence_number""#))
        #expect(a.contains(#""ruleIndex": "#))
        #expect(a.contains(#""markdown": "#))
        func fingerprint(_ s: String) -> Substring? {
            guard let r = s.firstRange(of: #""primaryLocationLineHash": ""#) else { return nil }
            return s[r.upperBound...].prefix(18)
        }
        #expect(fingerprint(a) != nil)
        #expect(fingerprint(a) == fingerprint(b), "the fingerprint survives moved lines")
        #expect(b.contains(#""startLine": 5"#))
    }
}
