import Foundation
import Testing
@testable import PolicyLint

/// The hard guarantee: no output of any format ever contains a secret's value.
@Suite("Secrets never leak")
struct SecretTests {
    static let marker = "S3CR3TMARKER7f3a"
    static let m = marker

    /// A marker in every kind of secret field, including ones with other findings on the same line.
    static let inputs: [String: String] = [
        "ipsec.json": #"{"resource_type": "RouteBasedIPSecVPNSession", "psk": "\#(m)", "authentication_mode": "CERTIFICATE", "peer_address": "10.0.0"}"#,
        "ipsec-short.json": #"{"resource_type": "PolicyBasedIPSecVPNSession", "psk": "\#(m.prefix(7))", "display_name": 5}"#,
        "sps.json": #"{"key": "a", "body": {"name": "arch", "target": {"type": "smb", "authentication": {"selection": "password", "username": "u", "password": "\#(m)"}}}, "meta": {"href": "/api/configuration/policies/archive_cleanup_policies/a"}}"#,
        "auth.json": #"{"client_id": "x", "client_secret": "\#(m)", "j_password": "\#(m)", "license_keys": ["\#(m)"], "access_token": "\#(m)"}"#,
        "token.json": #"{"note": "eyJ\#(m).eyJ\#(m).\#(m)", "key": "-----BEGIN RSA PRIVATE KEY-----\n\#(m)\n-----END RSA PRIVATE KEY-----"}"#,
        "broken.json": "{\"resource_type\": \"RouteBasedIPSecVPNSession\", \"psk\": \"\(m)\" \"peer_id\": 1,}",
        "typed.json": #"{"resource_type": "RouteBasedIPSecVPNSession", "psk": ["\#(m)"]}"#,
        "numeric.json": #"{"resource_type": "RouteBasedIPSecVPNSession", "psk": 98765432109876}"#,
    ]

    static func run() -> RunResult {
        let linter = Linter(ruleSet: builtInRules, options: LintOptions(mode: .authored))
        let reports = inputs.sorted { $0.key < $1.key }.map { linter.lint(file: $0.key, bytes: Array($0.value.utf8)) }
        return RunResult(files: reports, ruleSet: builtInRules, toolVersion: "test")
    }

    @Test func theInputsDoProduceSecretFindings() {
        let ids = Set(Self.run().findings.map(\.ruleID))
        #expect(ids.isSuperset(of: ["secret/plaintext", "secret/token", "secret/weak-psk", "json/syntax"]))
    }

    @Test func noLibraryReporterPrintsASecret() {
        let run = Self.run()
        var options = ReportOptions()
        options.baseURI = "file:///x/"
        options.showSuppressed = true
        var outputs: [String: String] = [:]
        for format in ReportFormat.all where format.writesRuns {
            outputs[format.name] = format.reporter(options)?.render(run)
        }
        options.color = true
        outputs["text+colour"] = ReportFormat.text.reporter(options)?.render(run)
        for (format, output) in outputs {
            #expect(!output.contains(Self.marker), "\(format) output contains a secret")
            #expect(!output.contains(String(Self.marker.prefix(7))), "\(format) output contains part of a secret")
            #expect(!output.contains("98765432109876"), "\(format) output contains a numeric secret")
        }
        #expect(outputs["text"]!.contains("***"), "excerpts show masked secrets")
    }

    @Test func theCommandPrintsNoSecretInAnyFormat() throws {
        for format in ReportFormat.all where format.writesRuns {
            for (name, text) in Self.inputs {
                let r = try CLI.run(["--format", format.name, "--stdin-filename", name, "-"], stdin: text)
                #expect(!r.stdout.contains(Self.marker) && !r.stderr.contains(Self.marker), "\(format) \(name)")
            }
        }
    }
}
