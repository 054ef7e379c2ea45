import Testing
@testable import PolicyLint

/// One profile gives one answer: no finding asks to enable a suite that another finding of the
/// same profile asks to disable, and doing what the findings ask leaves none of them.
@Suite("TLS profiles")
struct TLSProfileTests {
    static func config(suites: [String], tls13: Bool = true) -> [UInt8] {
        let list = suites.map { "{\"name\": \"\($0)\", \"enabled\": true}" }.joined(separator: ", ")
        return Array("""
        {"resource_type": "ApiServiceConfig",
         "protocol_versions": [{"name": "TLSv1.2", "enabled": true}, {"name": "TLSv1.3", "enabled": \(tls13)}],
         "cipher_suites": [\(list)]}
        """.utf8)
    }

    static func lint(_ bytes: [UInt8], _ profile: TLSProfile) -> [Finding] {
        Linter(ruleSet: builtInRules, options: LintOptions(tlsProfile: profile)).lint(file: "api.json", bytes: bytes).findings
    }

    /// Suite names a message mentions.
    static func suites(in message: String) -> Set<String> {
        Set(message.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init).filter { $0.hasPrefix("TLS_") })
    }

    @Test("the suites a profile asks to enable are never the ones it asks to disable", arguments: TLSProfile.allCases)
    func oneAnswer(_ profile: TLSProfile) {
        for tls13 in [true, false] {
            let findings = Self.lint(Self.config(suites: ["TLS_RSA_WITH_AES_128_CBC_SHA"], tls13: tls13), profile)
            guard let advice = findings.first(where: { $0.ruleID == "tls/no-strong-cipher" }) else {
                #expect(profile == .legacy, "\(profile): a lone TLS_RSA CBC suite meets no stricter profile")
                continue
            }
            let toEnable = Self.suites(in: advice.message)
            #expect(!toEnable.isEmpty, "\(advice.message)")
            // Enable exactly what was asked (and TLSv1.3 when the advice names it).
            let asksForTLS13 = advice.message.contains("TLSv1.3")
            let followed = Self.lint(Self.config(suites: toEnable.sorted(), tls13: tls13 || asksForTLS13), profile)
            let disabledAgain = followed.filter { $0.ruleID == "tls/weak-cipher" || $0.ruleID == "tls/insecure-cipher" || $0.ruleID == "tls/no-strong-cipher" }
            #expect(disabledAgain.isEmpty, "\(profile), TLSv1.3 \(tls13): advice \(advice.message) led to \(disabledAgain.map(\.message))")
        }
    }

    @Test func theModernProfileAsksForTLS13SuitesOnly() {
        let findings = Self.lint(Self.config(suites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"], tls13: false), .modern)
        let advice = findings.first { $0.ruleID == "tls/no-strong-cipher" }
        #expect(advice?.message == "no enabled cipher suite meets the modern profile; enable TLSv1.3 and TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 or TLS_CHACHA20_POLY1305_SHA256 (the modern profile accepts TLS 1.3 suites only)")
        #expect(findings.contains { $0.ruleID == "tls/weak-cipher" && $0.message.hasPrefix("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 is enabled but outside the modern profile") })
    }

    @Test("a suite name NSX itself returns is a note naming the IANA suite, judged as that suite")
    func vendorName() {
        let findings = Self.lint(Self.config(suites: ["TLS_ECDSA_WITH_AES_256_GCM_SHA384"]), .intermediate)
        #expect(findings.map(\.ruleID) == ["tls/vendor-cipher-name"])
        #expect(findings.first?.level == .note)
        #expect(findings.first?.message == "TLS_ECDSA_WITH_AES_256_GCM_SHA384 is NSX's name for the IANA suite TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, and is judged as that suite")
        // Judged as that suite: weak under the modern profile, like the IANA name.
        let modern = Self.lint(Self.config(suites: ["TLS_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"]), .modern)
        #expect(modern.contains { $0.ruleID == "tls/weak-cipher" && $0.message.hasPrefix("TLS_ECDSA_WITH_AES_256_GCM_SHA384 is enabled") })
        // Listed under both names: one suite twice.
        let both = Self.lint(Self.config(suites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDSA_WITH_AES_256_GCM_SHA384"]), .intermediate)
        #expect(both.contains { $0.ruleID == "tls/duplicate-cipher" })
        // A stray character is still a typo, an error.
        let typo = Self.lint(Self.config(suites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDSA_WITH_AES_256_GCM_SHA384}"]), .intermediate)
        #expect(typo.contains { $0.ruleID == "tls/unknown-cipher" && $0.level == .error && $0.message.hasSuffix("did you mean TLS_ECDSA_WITH_AES_256_GCM_SHA384?") })
    }
}
