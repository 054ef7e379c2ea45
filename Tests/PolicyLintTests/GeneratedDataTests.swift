import Foundation
import Testing
@testable import PolicyLint

/// Files generated from the pinned NSX model (reference/nsx/) are checked in; each generator's
/// `--check` fails when its file no longer matches what it would write. The generators are
/// Python (standard library only); CI has python3 (.ci/run), so there they never skip.
@Suite("Generated data")
struct GeneratedDataTests {
    static var pythonAvailable: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "--version"]
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Runs a generator under scripts/ with `--check`: it fails, naming the file, when the
    /// checked-in output is not what it would write.
    static func expectCurrent(_ generator: String) throws {
        guard pythonAvailable else {
            #expect(ProcessInfo.processInfo.environment["POLICYLINT_REQUIRE_SCHEMA"] != "1", "python3 is required here")
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Golden.root.appendingPathComponent("scripts/" + generator).path, "--check"]
        let errors = Pipe()
        p.standardError = errors
        try p.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(message)")
    }

    @Test("rules/data/nsx-type-names.json is what scripts/generate-nsx-type-names.py writes")
    func nsxTypeNamesAreCurrent() throws { try Self.expectCurrent("generate-nsx-type-names.py") }

    @Test func theModelsTypesAreKnownAndTyposAreNot() {
        let names = NSXTypeNames.shared
        #expect(names.names.count > 3000)
        for known in ["SecurityPolicy", "Tier0", "Segment", "PolicyBasedIPSecVpnSession", "ChildSecurityPolicy", "ApiServiceConfig"] {
            #expect(names.names.contains(known), "\(known)")
        }
        #expect(names.closest(to: "SecurityPolcy") == "SecurityPolicy")
        #expect(names.closest(to: "securitypolicy") == "SecurityPolicy")
        #expect(names.closest(to: "Tier2") == nil)
        #expect(names.closest(to: "{{ item.resource_type }}") == nil)
    }
}
