/// How strict TLS hygiene is (`--tls-profile`): Mozilla Server Side TLS 6.0 `modern` (TLS 1.3
/// suites only) or `intermediate` (ECDHE with AES-GCM or ChaCha20-Poly1305, plus TLS 1.3), or
/// `legacy` (only insecure suites are findings).
public enum TLSProfile: String, Sendable, CaseIterable {
    case modern, intermediate, legacy
}

/// What policylint knows about one cipher suite.
struct CipherSuiteVerdict: Sendable, Equatable {
    enum Grade: Int, Sendable, Comparable {
        case insecure, weak, acceptable, recommended
        static func < (a: Grade, b: Grade) -> Bool { a.rawValue < b.rawValue }
    }
    var grade: Grade
    var reasons: [String]
    var isTLS13: Bool
}

/// Classifies IANA cipher suite names: first from `rules/data/tls-suites.json` (the catalogue's
/// data, with reasons), then any other name by its parts (key exchange, cipher, MAC), following
/// RFC 9325 §4, RFC 8996, Mozilla 6.0 and testssl.sh's get_cipher_quality.
struct CipherSuiteCatalog: Sendable {
    var known: [String: CipherSuiteVerdict] = [:]
    /// Names that are not suite names, with the real one (`TLS_ECDSA_…` → `TLS_ECDHE_ECDSA_…`).
    var misnamed: [String: String] = [:]

    static let shared = CipherSuiteCatalog(json: embeddedRuleData["tls-suites.json"] ?? "{}")

    init(json: String) {
        let doc = JSONParser.parse(Array(json.utf8))
        guard let root = doc.root, doc.kind(root) == .object else { return }
        if let suites = doc.member(root, "suites") {
            for suite in doc.elements(suites) {
                guard let name = doc.member(suite, "name").flatMap(doc.stringValue),
                      let verdict = doc.member(suite, "verdict").flatMap(doc.stringValue) else { continue }
                let grade: CipherSuiteVerdict.Grade = switch verdict {
                case "recommended": .recommended
                case "acceptable": .acceptable
                case "weak": .weak
                default: .insecure
                }
                let reasons = doc.member(suite, "reasons").map { Array(doc.elements($0)).compactMap(doc.stringValue) } ?? []
                known[name] = CipherSuiteVerdict(grade: grade, reasons: reasons, isTLS13: !name.contains("_WITH_"))
            }
        }
        if let wrong = doc.member(root, "not_a_suite_name") {
            for (k, v) in doc.members(wrong) { if let real = doc.stringValue(v) { misnamed[doc.string(k)] = real } }
        }
    }

    static let tls13Suites: [String: CipherSuiteVerdict.Grade] = [
        "TLS_AES_128_GCM_SHA256": .recommended, "TLS_AES_256_GCM_SHA384": .recommended,
        "TLS_CHACHA20_POLY1305_SHA256": .recommended, "TLS_AES_128_CCM_SHA256": .acceptable,
        "TLS_AES_128_CCM_8_SHA256": .weak, "TLS_SHA256_SHA256": .insecure, "TLS_SHA384_SHA384": .insecure,
        "TLS_SM4_GCM_SM3": .insecure, "TLS_SM4_CCM_SM3": .insecure,
    ]
    static let keyExchanges: Set<String> = [
        "RSA", "DH_RSA", "DH_DSS", "DHE_RSA", "DHE_DSS", "DH_anon", "ECDH_RSA", "ECDH_ECDSA", "ECDHE_RSA", "ECDHE_ECDSA",
        "ECDH_anon", "PSK", "DHE_PSK", "RSA_PSK", "ECDHE_PSK", "KRB5", "SRP_SHA", "SRP_SHA_RSA", "SRP_SHA_DSS",
        "RSA_EXPORT", "DH_RSA_EXPORT", "DH_DSS_EXPORT", "DHE_RSA_EXPORT", "DHE_DSS_EXPORT", "DH_anon_EXPORT",
        "KRB5_EXPORT", "RSA_EXPORT1024", "DHE_DSS_EXPORT1024", "ECCPWD", "GOSTR341112_256",
    ]
    static let ciphers = [
        "NULL", "RC4_128", "RC4_40", "RC2_CBC_40", "RC2_CBC_56", "DES_CBC_40", "DES40_CBC", "DES_CBC", "3DES_EDE_CBC", "IDEA_CBC",
        "AES_128_CBC", "AES_256_CBC", "AES_128_GCM", "AES_256_GCM", "AES_128_CCM_8", "AES_256_CCM_8", "AES_128_CCM", "AES_256_CCM",
        "CHACHA20_POLY1305", "CAMELLIA_128_CBC", "CAMELLIA_256_CBC", "CAMELLIA_128_GCM", "CAMELLIA_256_GCM",
        "ARIA_128_CBC", "ARIA_256_CBC", "ARIA_128_GCM", "ARIA_256_GCM", "SEED_CBC", "KUZNYECHIK_CTR_OMAC", "MAGMA_CTR_OMAC",
        "28147_CNT_IMIT",
    ]
    static let macs: Set<String> = ["SHA", "SHA256", "SHA384", "MD5", "", "IMIT", "OMAC"]

    /// The verdict for a name, or nil when it is not a cipher suite name.
    func classify(_ rawName: String) -> CipherSuiteVerdict? {
        let name = rawName.hasPrefix("SSL_") ? "TLS_" + rawName.dropFirst(4) : rawName
        if let verdict = known[name] { return verdict }
        guard name.hasPrefix("TLS_") else { return nil }
        if let withRange = name.firstRange(of: "_WITH_") {
            // In "TLS_WITH_…" the "_WITH_" starts inside the "TLS_": no key exchange, no suite.
            // The range of the key exchange then ended before it started, and trapped (found by
            // the fuzzer; testdata/regressions).
            let kxStart = name.index(name.startIndex, offsetBy: 4)
            guard withRange.lowerBound >= kxStart else { return nil }
            let kx = String(name[kxStart..<withRange.lowerBound])
            let rest = String(name[withRange.upperBound...])
            guard Self.keyExchanges.contains(kx),
                  let cipher = Self.ciphers.first(where: { rest == $0 || rest.hasPrefix($0 + "_") }) else { return nil }
            let mac = rest == cipher ? "" : String(rest.dropFirst(cipher.count + 1))
            guard Self.macs.contains(mac) else { return nil }
            return Self.grade(kx: kx, cipher: cipher, mac: mac)
        }
        guard let grade = Self.tls13Suites[name] else { return nil }
        return CipherSuiteVerdict(grade: grade, reasons: grade == .recommended ? [] : ["TLS 1.3 suite outside Mozilla's recommendations"], isTLS13: true)
    }

    static func grade(kx: String, cipher: String, mac: String) -> CipherSuiteVerdict {
        var insecure: [String] = [], weak: [String] = []
        if kx.contains("anon") { insecure.append("anonymous key exchange (no authentication)") }
        if kx.contains("EXPORT") || cipher.contains("_40") || cipher.hasPrefix("DES40") { insecure.append("export-grade cryptography") }
        if cipher == "NULL" { insecure.append("no encryption (NULL cipher)") }
        if cipher.hasPrefix("RC4") { insecure.append("RC4 (RFC 7465 prohibits it)") }
        if cipher.hasPrefix("RC2") { insecure.append("RC2") }
        if cipher == "DES_CBC" { insecure.append("single DES (56-bit)") }
        if mac == "MD5" { insecure.append("MD5 MAC") }
        if kx.hasPrefix("GOST") || cipher.contains("KUZNYECHIK") || cipher.contains("MAGMA") || cipher.contains("28147") { insecure.append("GOST cryptography") }
        let forwardSecret = kx.hasPrefix("DHE_") || kx.hasPrefix("ECDHE_") || kx == "ECCPWD"
        if !forwardSecret { weak.append("no forward secrecy (static key exchange)") }
        if cipher.hasSuffix("_CBC") || cipher == "SEED_CBC" { weak.append("CBC mode (Lucky13/BEAST class)") }
        if mac == "SHA" { weak.append("SHA-1 MAC") }
        if cipher == "3DES_EDE_CBC" || cipher == "IDEA_CBC" { weak.append("64-bit block cipher (SWEET32)") }
        if cipher.hasSuffix("CCM_8") { weak.append("truncated 8-byte authentication tag (CCM_8)") }
        if !insecure.isEmpty { return CipherSuiteVerdict(grade: .insecure, reasons: insecure + weak, isTLS13: false) }
        if !weak.isEmpty { return CipherSuiteVerdict(grade: .weak, reasons: weak, isTLS13: false) }
        let modernAEAD = ["AES_128_GCM", "AES_256_GCM", "CHACHA20_POLY1305"].contains(cipher)
        if (kx == "ECDHE_RSA" || kx == "ECDHE_ECDSA") && modernAEAD {
            return CipherSuiteVerdict(grade: .recommended, reasons: [], isTLS13: false)
        }
        let reason = kx.hasPrefix("DHE_") ? "finite-field DHE (RFC 9325 SHOULD NOT; dropped from Mozilla 5.8+)" : "an AEAD cipher outside Mozilla's recommendations"
        return CipherSuiteVerdict(grade: .acceptable, reasons: [reason], isTLS13: false)
    }

    /// "did you mean" for a name that is no suite.
    func suggestion(for name: String) -> String? {
        if let real = misnamed[name] { return real }
        let cleaned = String(name.unicodeScalars.filter { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }.map(Character.init))
        if cleaned != name, classify(cleaned) != nil || misnamed[cleaned] != nil { return cleaned }
        if cleaned.uppercased() != cleaned, classify(cleaned.uppercased()) != nil { return cleaned.uppercased() }
        return closestMatch(to: name, in: Array(known.keys) + Array(Self.tls13Suites.keys), maxDistance: 4)
    }
}

/// TLS hygiene (catalogue section 4) for an object's cipher suite and protocol version lists
/// (rules/tls.json gives it every object that holds them, of ApiServiceConfig or anything
/// else). Disabled entries are not findings.
struct TLSHygiene {
    let profile: TLSProfile
    var cipherSuites = "cipher_suites"
    var protocolVersions = "protocol_versions"
    let catalog = CipherSuiteCatalog.shared

    static let function = CheckFunction(
        name: "tls-hygiene",
        summary: "Judges an object's TLS protocol versions (RFC 8996, RFC 9325) and cipher suites (against `--tls-profile`, from rules/data/tls-suites.json); disabled entries are not findings.",
        target: .object,
        rules: ["tls/deprecated-protocol", "tls/missing-tls12", "tls/tls13-disabled", "tls/protocol-gap", "tls/vendor-cipher-name",
                "tls/duplicate-cipher", "tls/unknown-cipher", "tls/insecure-cipher", "tls/weak-cipher", "tls/no-strong-cipher"],
        options: [
            CheckOption(name: "cipherSuites", kind: .string, description: "the field holding the cipher suites: names, or `{\"name\", \"enabled\"}` objects",
                        defaultValue: .string("cipher_suites")),
            CheckOption(name: "protocolVersions", kind: .string, description: "the field holding the protocol versions, in the same shape",
                        defaultValue: .string("protocol_versions")),
            CheckOption(name: "profile", kind: .oneOf(["run"] + TLSProfile.allCases.map(\.rawValue)),
                        description: "the profile the cipher suites are held to: `run` is the run's `--tls-profile`",
                        defaultValue: .string("run")),
        ],
        make: { options in
            Body(cipherSuites: options.string("cipherSuites"), protocolVersions: options.string("protocolVersions"),
                 profile: TLSProfile(rawValue: options.string("profile")))
        })

    struct Body: CheckBody {
        let cipherSuites: String, protocolVersions: String
        /// nil: the run's.
        let profile: TLSProfile?

        func check(object: Int, member: (key: Int, value: Int)?, _ context: inout CheckContext) {
            TLSHygiene(profile: profile ?? context.settings.tlsProfile, cipherSuites: cipherSuites, protocolVersions: protocolVersions)
                .check(object, &context)
        }
    }
    static let protocolOrder = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    /// One list entry: `{"name": …, "enabled": …}` or a bare name (enabled).
    struct Entry { var node: Int; var nameNode: Int; var name: String; var enabled: Bool }

    func entries(_ list: Int, _ doc: JSONDocument) -> [Entry] {
        doc.elements(list).compactMap { element in
            if doc.kind(element) == .string { return Entry(node: element, nameNode: element, name: doc.string(element), enabled: true) }
            guard doc.kind(element) == .object, let name = doc.member(element, "name"), doc.kind(name) == .string else { return nil }
            let enabled = doc.member(element, "enabled").flatMap(doc.bool) ?? true
            return Entry(node: element, nameNode: name, name: doc.string(name), enabled: enabled)
        }
    }

    func check(_ object: Int, _ context: inout CheckContext) {
        let doc = context.doc
        let ciphers = doc.member(object, cipherSuites).flatMap { doc.kind($0) == .array ? $0 : nil }
        let protocols = doc.member(object, protocolVersions).flatMap { doc.kind($0) == .array ? $0 : nil }
        var tls13Enabled = true
        if let protocols { tls13Enabled = checkProtocols(protocols, &context) }
        if let ciphers { checkCiphers(ciphers, tls13Enabled: tls13Enabled, &context) }
    }

    /// Returns whether TLS 1.3 is enabled (its suites follow that toggle on NSX).
    func checkProtocols(_ list: Int, _ context: inout CheckContext) -> Bool {
        let doc = context.doc
        let all = entries(list, doc)
        for entry in all where entry.enabled && ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.0"].contains(entry.name) {
            context.report("tls/deprecated-protocol", "\(entry.name) is enabled; RFC 8996 deprecates TLS 1.0 and 1.1 (and SSL): disable it", at: entry.nameNode)
        }
        let tls12 = all.first { $0.name == "TLSv1.2" }
        if tls12?.enabled != true {
            context.report("tls/missing-tls12", tls12 == nil ? "TLSv1.2 is not listed; it must be enabled (RFC 9325)" : "TLSv1.2 is disabled; it must be enabled (RFC 9325)",
                           at: tls12?.nameNode ?? list)
        }
        let tls13 = all.first { $0.name == "TLSv1.3" }
        if tls13?.enabled != true {
            context.report("tls/tls13-disabled", tls13 == nil ? "TLSv1.3 is not listed; RFC 9325 says it SHOULD be enabled" : "TLSv1.3 is disabled; RFC 9325 says it SHOULD be enabled",
                           at: tls13?.nameNode ?? list)
        }
        let enabledIndices = all.filter(\.enabled).compactMap { Self.protocolOrder.firstIndex(of: $0.name == "TLSv1.0" ? "TLSv1" : $0.name) }.sorted()
        if let low = enabledIndices.first, let high = enabledIndices.last, Set(enabledIndices).count != high - low + 1 {
            let missing = Self.protocolOrder[low...high].filter { !enabledIndices.contains(Self.protocolOrder.firstIndex(of: $0)!) }
            context.report("tls/protocol-gap", "the enabled versions are not contiguous (\(missing.joined(separator: ", ")) is off between them); NSX takes the versions as one range from the lowest to the highest", at: list)
        }
        return tls13?.enabled == true
    }

    func accepts(_ verdict: CipherSuiteVerdict) -> Bool {
        switch profile {
        case .modern: verdict.isTLS13 && verdict.grade == .recommended
        case .intermediate: verdict.grade == .recommended
        case .legacy: verdict.grade > .insecure
        }
    }

    func checkCiphers(_ list: Int, tls13Enabled: Bool, _ context: inout CheckContext) {
        let doc = context.doc
        var seen: [String: Int] = [:]
        var strongEnabled = false
        let all = entries(list, doc)
        for entry in all {
            // A name NSX itself returns for a suite is judged as the suite it stands for.
            let ianaName = catalog.misnamed[entry.name]
            if let ianaName {
                context.report("tls/vendor-cipher-name", "\(entry.name) is NSX's name for the IANA suite \(ianaName), and is judged as that suite", at: entry.nameNode)
            }
            let name = ianaName ?? entry.name
            let normalized = name.hasPrefix("SSL_") ? "TLS_" + name.dropFirst(4) : name
            if seen[normalized] != nil {
                context.report("tls/duplicate-cipher", "\(entry.name) is listed twice\(ianaName.map { " (as \($0))" } ?? ""); keep one entry", at: entry.nameNode)
            }
            seen[normalized, default: 0] += 1
            guard let verdict = catalog.classify(name) else {
                // A template's "{{ cipher }}" is known only once rendered.
                if TemplatePlaceholder.occurs(in: entry.name) { continue }
                let hint = catalog.suggestion(for: entry.name).map { "; did you mean \($0)?" } ?? ""
                context.report("tls/unknown-cipher", "\(context.describe(entry.nameNode)) is not an IANA cipher suite name\(hint)", at: entry.nameNode)
                continue
            }
            guard entry.enabled else { continue }
            if verdict.isTLS13 && !tls13Enabled { continue }
            if accepts(verdict) { strongEnabled = true; continue }
            if verdict.grade == .insecure {
                context.report("tls/insecure-cipher", "\(entry.name) is enabled and insecure: \(verdict.reasons.joined(separator: ", ")) (RFC 9325 MUST NOT); disable it", at: entry.nameNode)
            } else if profile != .legacy {
                let reasons = verdict.reasons.isEmpty ? ["not a TLS 1.3 suite"] : verdict.reasons
                context.report("tls/weak-cipher", "\(entry.name) is enabled but outside the \(profile.rawValue) profile: \(reasons.joined(separator: ", ")); disable it", at: entry.nameNode)
            }
        }
        if !strongEnabled && !all.isEmpty {
            context.report("tls/no-strong-cipher", "no enabled cipher suite meets the \(profile.rawValue) profile; \(remedy(tls13Enabled: tls13Enabled))", at: list)
        }
    }

    /// What to enable so that the profile is met: only suites the profile itself accepts, so
    /// that one finding never asks to enable what the next asks to disable.
    func remedy(tls13Enabled: Bool) -> String {
        let tls13 = "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 or TLS_CHACHA20_POLY1305_SHA256"
        switch profile {
        case .modern:
            return tls13Enabled ? "enable \(tls13) (the modern profile accepts TLS 1.3 suites only)"
                : "enable TLSv1.3 and \(tls13) (the modern profile accepts TLS 1.3 suites only)"
        case .intermediate, .legacy:
            return "enable TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" + (tls13Enabled ? " (or \(tls13))" : "")
        }
    }
}
