// policylint-bench: generates NSX hierarchical exports and small files into a temporary
// directory, runs the real `policylint` release binary on them as a subprocess (process start
// included, as a pre-commit hook or an audit script pays it), and prints the figures the
// performance targets are stated in. Nothing generated is kept; no figure lives in a unit test.
//
//     swift build -c release --product policylint && swift run -c release policylint-bench
//
// Options: --policylint PATH (default: the `policylint` beside this binary), --keep (leave the
// generated files), --quick (skip the ~160 MB export).
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Output and arguments

func say(_ text: String) { print(text); fflush(nil) }

func fatal(_ text: String) -> Never {
    var bytes = Array("policylint-bench: \(text)\n".utf8)
    _ = write(2, &bytes, bytes.count)
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let keep = arguments.contains("--keep")
let quick = arguments.contains("--quick")

/// This executable, from /proc/self/exe (argv[0] may be relative or bare).
func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
}

func executableDirectory() -> String {
    let path = executablePath()
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
}

let policylint: String = {
    if let i = arguments.firstIndex(of: "--policylint"), i + 1 < arguments.count { return arguments[i + 1] }
    return executableDirectory() + "/policylint"
}()
guard arguments.first == "--generate" || access(policylint, X_OK) == 0 else {
    fatal("no policylint binary at \(policylint); build it first: swift build -c release --product policylint")
}

/// A program on PATH, or nil.
func which(_ name: String) -> String? {
    for dir in (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if access(path, X_OK) == 0 { return path }
    }
    return nil
}

// MARK: - Running a subprocess

/// This process's environment, for the children (Swift 6 does not allow reading the C global
/// `environ`, a shared mutable variable, so it is read from /proc).
func readEnvironment() -> [UnsafeMutablePointer<CChar>?] {
    guard let f = fopen("/proc/self/environ", "r") else { return [nil] }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    while true {
        let c = fgetc(f)
        if c == EOF { break }
        bytes.append(UInt8(c))
    }
    return bytes.split(separator: 0).map { strdup(String(decoding: $0, as: UTF8.self)) } + [nil]
}

struct RunResult {
    var seconds: Double
    /// User + system CPU time of the child (all its threads).
    var cpuSeconds: Double
    /// Peak resident set size of the child, in bytes (wait4's ru_maxrss is in KiB on Linux).
    var peakRSS: Int
    var exitStatus: Int32
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `argv` with stdout to `stdoutPath` (default /dev/null) and stderr to /dev/null; the
/// wall time covers spawn to exit. wait4 gives the rusage of this one child, so each run's
/// peak memory is its own (RUSAGE_CHILDREN would be the maximum over every child so far).
func run(_ argv: [String], stdoutPath: String = "/dev/null", stderrPath: String = "/dev/null", extraEnvironment: [String] = []) -> RunResult {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    let environment = extraEnvironment.map { strdup($0) } + readEnvironment()
    defer { for p in cArgs + environment { free(p) } }
    var pid: pid_t = 0
    let start = now()
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environment)
    guard spawned == 0 else { fatal("cannot start \(argv[0]): error \(spawned)") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = now() - start
    let exited = status & 0x7F == 0
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    return RunResult(seconds: seconds, cpuSeconds: cpu, peakRSS: Int(usage.ru_maxrss) * 1024,
                     exitStatus: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
}

/// The fastest of `count` runs (the least disturbed by other work on a shared machine), with
/// the largest peak memory seen.
func best(of count: Int, _ argv: [String], accept: Set<Int32> = [0, 1]) -> RunResult {
    var result: RunResult?
    for _ in 0..<count {
        let r = run(argv)
        guard accept.contains(r.exitStatus) else {
            fatal("\(argv.joined(separator: " ")) exited with status \(r.exitStatus)")
        }
        if let old = result {
            result = RunResult(seconds: min(old.seconds, r.seconds), cpuSeconds: min(old.cpuSeconds, r.cpuSeconds),
                               peakRSS: max(old.peakRSS, r.peakRSS), exitStatus: r.exitStatus)
        } else {
            result = r
        }
    }
    return result!
}

// MARK: - Talking to the language server

/// `policylint lsp` on two pipes, as an editor runs it: framed JSON-RPC in and out.
struct LanguageServerChild {
    let pid: pid_t
    let input: Int32, output: Int32
    var buffer: [UInt8] = []

    init() {
        var toServer: [Int32] = [0, 0], fromServer: [Int32] = [0, 0]
        guard pipe(&toServer) == 0, pipe(&fromServer) == 0 else { fatal("cannot make pipes") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toServer[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromServer[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for fd in toServer + fromServer { posix_spawn_file_actions_addclose(&actions, fd) }
        let cArgs: [UnsafeMutablePointer<CChar>?] = [strdup(policylint), strdup("lsp"), nil]
        let environment = readEnvironment()
        defer { for p in cArgs + environment { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, policylint, &actions, nil, cArgs, environment) == 0 else { fatal("cannot start \(policylint) lsp") }
        close(toServer[0]); close(fromServer[1])
        self.pid = pid
        input = toServer[1]
        output = fromServer[0]
    }

    func send(_ json: String) {
        let bytes = Array("Content-Length: \(json.utf8.count)\r\n\r\n\(json)".utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            guard n > 0 else { fatal("the language server stopped reading") }
            written += n
        }
    }

    /// Reads messages until one holds `needle`; returns it.
    mutating func wait(for needle: String) -> String {
        while true {
            if let end = headerEnd(), let length = Int(String(decoding: buffer[16..<end], as: UTF8.self)), buffer.count >= end + 4 + length {
                let body = String(decoding: buffer[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                buffer.removeFirst(end + 4 + length)
                if body.contains(needle) { return body }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(output, &chunk, chunk.count)
            guard n > 0 else { fatal("the language server closed its output") }
            buffer += chunk[0..<n]
        }
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
        return nil
    }

    func stop() {
        send(#"{"jsonrpc":"2.0","id":999,"method":"shutdown"}"#)
        send(#"{"jsonrpc":"2.0","method":"exit"}"#)
        close(input); close(output)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}

/// A JSON string literal of `text`.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// Diagnostics of a document opened in a workspace, then after each of `edits` edits: the
/// milliseconds from sending the change to receiving its diagnostics (the first one includes
/// reading and scanning the workspace).
func languageServerLatencies(workspace: String, document: String, text: String, edits: Int) -> (first: Double, edits: [Double]) {
    var server = LanguageServerChild()
    server.send(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file://\#(workspace)","capabilities":{}}}"#)
    _ = server.wait(for: #""id":1"#)
    server.send(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
    let uri = "file://\(workspace)/\(document)"
    var start = now()
    server.send(#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"\#(uri)","languageId":"json","version":1,"text":\#(jsonString(text))}}}"#)
    _ = server.wait(for: #""version":1,"#)
    let first = (now() - start) * 1000
    var latencies: [Double] = []
    for version in 2..<(2 + edits) {
        // A keystroke: the text grows by a space at its end, or loses it.
        let edited = version % 2 == 0 ? text + " " : text
        start = now()
        server.send(#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"\#(uri)","version":\#(version)},"contentChanges":[{"text":\#(jsonString(edited))}]}}"#)
        _ = server.wait(for: #""version":\#(version),"#)
        latencies.append((now() - start) * 1000)
    }
    server.stop()
    return (first, latencies)
}

// MARK: - Generating exports

/// A pretty-printed JSON writer (two-space indent, as NSX Manager's API returns), bytes only.
struct Writer {
    var out: [UInt8] = []
    var depth = 0
    var first = [true]

    mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }
    mutating func newline() {
        out.append(0x0A)
        for _ in 0..<depth { out.append(0x20); out.append(0x20) }
    }
    mutating func separator() {
        if !first[first.count - 1] { out.append(UInt8(ascii: ",")) }
        first[first.count - 1] = false
        if depth > 0 { newline() }
    }
    mutating func key(_ k: String) { separator(); raw("\"\(k)\": "); pendingKey = true }
    var pendingKey = false
    mutating func beforeValue() { if pendingKey { pendingKey = false } else { separator() } }

    mutating func open(_ c: String) { beforeValue(); raw(c); depth += 1; first.append(true) }
    mutating func close(_ c: String) {
        depth -= 1
        let empty = first.removeLast()
        if !empty { newline() }
        raw(c)
    }
    mutating func object(_ body: (inout Writer) -> Void) { open("{"); body(&self); close("}") }
    mutating func array(_ body: (inout Writer) -> Void) { open("["); body(&self); close("]") }
    mutating func string(_ s: String) { beforeValue(); raw("\"\(s)\"") }
    mutating func number(_ n: Int) { beforeValue(); raw(String(n)) }
    mutating func bool(_ b: Bool) { beforeValue(); raw(b ? "true" : "false") }

    mutating func field(_ k: String, _ s: String) { key(k); string(s) }
    mutating func field(_ k: String, _ n: Int) { key(k); number(n) }
    mutating func field(_ k: String, _ b: Bool) { key(k); bool(b) }
    mutating func field(_ k: String, strings: [String]) { key(k); array { w in for s in strings { w.string(s) } } }
}

/// Which defects a generated document carries, so the bench can check they were found.
struct Plants {
    /// One of each, in the first domain: a dangling group reference with a typo, a direction
    /// outside the enum, a policy sequence number out of range, two rules with one sequence
    /// number.
    var defects = true
}

let groupsPerDomain = 60
let policiesPerDomain = 12
let rulesPerPolicy = 10

func writeGroup(_ w: inout Writer, domain: String, index g: Int) {
    let id = "grp-\(g)"
    w.object { w in
        w.field("resource_type", "Group")
        w.field("id", id)
        w.field("display_name", "Application group \(g)")
        w.field("path", "\(domain)/groups/\(id)")
        w.field("description", "Workloads of tier \(g % 7) in application \(g / 7)")
        w.key("expression")
        w.array { w in
            w.object { w in
                w.field("resource_type", "IPAddressExpression")
                w.field("id", "expr-\(g)")
                w.field(
                    "ip_addresses",
                    strings: (0..<4).map { "10.\(g % 200).\($0 * 16).0/28" })
            }
        }
        w.key("tags")
        w.array { w in
            w.object { w in w.field("scope", "env"); w.field("tag", g % 3 == 0 ? "prod" : "test") }
            w.object { w in w.field("scope", "owner"); w.field("tag", "team-\(g % 11)") }
        }
        w.field("_revision", g % 5)
    }
}

func writeRule(_ w: inout Writer, domain: String, policy p: Int, index r: Int, defects: Bool) {
    let groups = groupsPerDomain
    w.object { w in
        w.field("resource_type", "Rule")
        w.field("id", "rule-\(p)-\(r)")
        w.field("display_name", "allow tier \(r) of application \(p)")
        // Planted: two rules of one policy with one sequence number.
        w.field("sequence_number", defects && p == 0 && r == 1 ? 10 : (r + 1) * 10)
        w.field("source_groups", strings: ["\(domain)/groups/grp-\((p * 7 + r) % groups)"])
        // Planted: a dangling reference (grp-3 spelled grp-3x).
        let destination = defects && p == 0 && r == 2 ? "grp-3x" : "grp-\((p * 7 + r + 1) % groups)"
        w.field("destination_groups", strings: ["\(domain)/groups/\(destination)", "\(domain)/groups/grp-\((p + r * 3) % groups)"])
        w.field("services", strings: r % 3 == 0 ? ["ANY"] : ["/infra/services/HTTPS", "/infra/services/SSH"])
        w.field("action", r == rulesPerPolicy - 1 ? "DROP" : "ALLOW")
        // Planted: a direction outside the enum.
        w.field("direction", defects && p == 1 && r == 0 ? "INBOUND" : "IN_OUT")
        w.field("ip_protocol", "IPV4_IPV6")
        w.field("logged", r % 2 == 0)
        w.field("disabled", false)
        w.field("notes", "reviewed in change CHG-\(10_000 + p * 31 + r)")
    }
}

func writePolicy(_ w: inout Writer, domain: String, index p: Int, defects: Bool) {
    let id = "policy-\(p)"
    w.object { w in
        w.field("resource_type", "SecurityPolicy")
        w.field("id", id)
        w.field("display_name", "Application policy \(p)")
        w.field("category", p % 4 == 0 ? "Infrastructure" : "Application")
        // Planted: a sequence number beyond 999999.
        w.field("sequence_number", defects && p == 2 ? 1_200_000 : p * 10 + 10)
        w.field("stateful", true)
        w.field("tcp_strict", true)
        w.field("scope", strings: ["\(domain)/groups/grp-\(p % groupsPerDomain)"])
        w.key("rules")
        w.array { w in
            for r in 0..<rulesPerPolicy { writeRule(&w, domain: domain, policy: p, index: r, defects: defects) }
        }
    }
}

func writeDomain(_ w: inout Writer, index d: Int, defects: Bool) {
    let id = "domain-\(d)"
    let path = "/infra/domains/\(id)"
    w.object { w in
        w.field("resource_type", "ChildDomain")
        w.key("Domain")
        w.object { w in
            w.field("resource_type", "Domain")
            w.field("id", id)
            w.field("display_name", "Domain \(d)")
            w.key("children")
            w.array { w in
                for g in 0..<groupsPerDomain {
                    w.object { w in
                        w.field("resource_type", "ChildGroup")
                        w.key("Group")
                        writeGroup(&w, domain: path, index: g)
                    }
                }
                for p in 0..<policiesPerDomain {
                    w.object { w in
                        w.field("resource_type", "ChildSecurityPolicy")
                        w.key("SecurityPolicy")
                        writePolicy(&w, domain: path, index: p, defects: defects)
                    }
                }
            }
        }
    }
}

/// An H-API body `Infra → ChildDomain → Domain → ChildGroup/ChildSecurityPolicy` of `domains`
/// domains; the defects are planted in the first only, so every size carries the same few.
func hierarchicalExport(domains: Int) -> [UInt8] {
    var w = Writer()
    w.out.reserveCapacity(domains * 120_000)
    w.object { w in
        w.field("resource_type", "Infra")
        w.key("children")
        w.array { w in for d in 0..<domains { writeDomain(&w, index: d, defects: d == 0) } }
    }
    w.out.append(0x0A)
    return w.out
}

/// A standalone SecurityPolicy body (a PUT), about `rules` × 500 bytes.
func policyFile(index: Int, rules: Int) -> [UInt8] {
    var w = Writer()
    let domain = "/infra/domains/default"
    w.object { w in
        w.field("resource_type", "SecurityPolicy")
        w.field("id", "policy-\(index)")
        w.field("display_name", "Application policy \(index)")
        w.field("path", "\(domain)/security-policies/policy-\(index)")
        w.field("category", "Application")
        w.field("sequence_number", index % 999_999)
        w.field("stateful", true)
        w.key("rules")
        w.array { w in for r in 0..<rules { writeRule(&w, domain: domain, policy: index + 1000, index: r, defects: false) } }
    }
    w.out.append(0x0A)
    return w.out
}

func write(_ bytes: [UInt8], to path: String) {
    guard let file = fopen(path, "wb") else { fatal("cannot write \(path)") }
    let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    guard written == bytes.count, fclose(file) == 0 else { fatal("cannot write \(path)") }
}

// MARK: - Formatting

func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if digits == 0 { text = String(text[..<dot]) } else if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

func mb(_ bytes: Int) -> Double { Double(bytes) / 1_000_000 }
func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
func lpad(_ s: String, _ width: Int) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }
func verdict(_ ok: Bool) -> String { ok ? "met" : "MISSED" }

/// `--generate DIR DOMAINS…`: writes the exports (one per domain count), the ~5 KB body and the
/// 10,000 small bodies (~1–3 KB each, in DIR/many).
func generate(into dir: String, domainCounts: [Int]) {
    for domains in domainCounts { write(hierarchicalExport(domains: domains), to: "\(dir)/infra-\(domains).json") }
    write(policyFile(index: 1, rules: 8), to: "\(dir)/policy-5k.json")
    mkdir("\(dir)/many", 0o755)
    for i in 0..<10_000 { write(policyFile(index: i, rules: 1 + i % 5), to: "\(dir)/many/policy-\(i).json") }
}

// MARK: - The benchmark

if arguments.first == "--generate", arguments.count >= 2 {
    generate(into: arguments[1], domainCounts: arguments.dropFirst(2).compactMap { Int($0) })
    exit(0)
}

var template = Array("/tmp/policylint-bench-XXXXXX".utf8CString)
guard let made = mkdtemp(&template) else { fatal("cannot create a temporary directory") }
let dir = String(cString: made)
func cleanUp() {
    if keep { say("generated files kept in \(dir)"); return }
    _ = run(["/bin/rm", "-rf", dir])
}

var cpuModel = "unknown CPU"
if let f = fopen("/proc/cpuinfo", "r") {
    var line = [CChar](repeating: 0, count: 1024)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = String(cString: line)
        if text.hasPrefix("model name"), let colon = text.firstIndex(of: ":") {
            cpuModel = text[text.index(after: colon)...].trimmingPrefix(" ").split(separator: "\n").first.map(String.init) ?? cpuModel
            break
        }
    }
    fclose(f)
}
say("policylint-bench: \(policylint)")
say("machine: \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores, \(cpuModel)")
// Wall times on a shared machine depend on what else runs: the load average says how much, and
// the CPU column (user + system, every thread) does not depend on it.
var loads = [Double](repeating: 0, count: 3)
if getloadavg(&loads, 3) == 3 { say("load average at start: \(loads.map { fixed($0, 2) }.joined(separator: ", "))") }
say("generating into \(dir) …")

// Domains for ~1 MB; the larger exports are exact multiples, so the scaling ratio compares
// like with like.
let oneDomain = hierarchicalExport(domains: 1).count
let baseDomains = max(1, Int((1_000_000 / Double(oneDomain)).rounded()))
var sizes: [(label: String, domains: Int)] = [("~1 MB", baseDomains), ("~16 MB", baseDomains * 16)]
if !quick { sizes.append(("~160 MB", baseDomains * 160)) }
// Generated in a child process: a process started by posix_spawn (vfork) inherits its parent's
// peak RSS into its own ru_maxrss at exec, so this process must stay small for the peak memory
// figures to be policylint's own.
_ = best(of: 1, [executablePath(), "--generate", dir] + sizes.map { String($0.domains) }, accept: [0])
func fileSize(_ path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { fatal("missing generated file \(path)") }
    return Int(info.st_size)
}
let exports = sizes.map { (label: $0.label, path: "\(dir)/infra-\($0.domains).json", bytes: fileSize("\(dir)/infra-\($0.domains).json")) }
let smallPath = "\(dir)/policy-5k.json"
let smallBytes = fileSize(smallPath)
let manyDir = "\(dir)/many"
let manyBytes = (0..<10_000).reduce(0) { $0 + fileSize("\(manyDir)/policy-\($1).json") }

// The generated files are written to disk before anything is timed: the first runs otherwise
// shared the machine with the kernel writing back 190 MB of fresh files.
sync()

// The generated exports carry `path` but none of the fields only a server writes (`_create_time`,
// …) that tell a GET response in auto mode, so auto mode would take them for PATCH bodies and
// report every read-only `path` of 57,600 Groups. They are timed as what they stand for, exports.
let exportArguments = ["--format", "sarif", "--mode", "exported"]

// Sanity: the planted defects are reported (SARIF on the smallest export).
let sarifPath = "\(dir)/check.sarif"
let check = run([policylint] + exportArguments + [exports[0].path], stdoutPath: sarifPath)
if let f = fopen(sarifPath, "r") {
    var text: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        text.append(contentsOf: buffer[0..<n])
    }
    fclose(f)
    let sarif = String(decoding: text, as: UTF8.self)
    let wanted = ["xref/dangling", "schema/enum", "nsx/sequence-range", "dup/sequence-number"]
    let missing = wanted.filter { !sarif.contains("\"ruleId\": \"\($0)\"") }
    say("planted defects: exit status \(check.exitStatus), " + (missing.isEmpty ? "all \(wanted.count) kinds reported" : "NOT reported: \(missing.joined(separator: ", "))"))
}

var selfUsage = rusage()
getrusage(RUSAGE_SELF.rawValue, &selfUsage)
say("bench process peak RSS \(fixed(Double(selfUsage.ru_maxrss) / 1000, 1)) MB (a floor under every peak below)")
say("")
say("policylint --format sarif (exports: --mode exported), end to end (process start included; best of N runs)")
say("  \(pad("input", 10)) \(lpad("size MB", 9)) \(lpad("seconds", 9)) \(lpad("MB/s", 8)) \(lpad("peak RSS MB", 12)) \(lpad("RSS/input", 10)) \(lpad("CPU s", 8))")
var times: [Double] = []
var largest: (mbps: Double, rssRatio: Double) = (0, 0)
for export in exports {
    let repeats = 5
    _ = run([policylint] + exportArguments + [export.path])  // a warm-up, not counted
    let r = best(of: repeats, [policylint] + exportArguments + [export.path])
    let mbps = mb(export.bytes) / r.seconds
    let ratio = Double(r.peakRSS) / Double(export.bytes)
    times.append(r.seconds)
    largest = (mbps, ratio)
    say("  \(pad(export.label, 10)) \(lpad(fixed(mb(export.bytes), 1), 9)) \(lpad(fixed(r.seconds, 3), 9)) \(lpad(fixed(mbps, 0), 8)) \(lpad(fixed(mb(r.peakRSS), 1), 12)) \(lpad(fixed(ratio, 2) + "×", 10)) \(lpad(fixed(r.cpuSeconds, 3), 8))")
}

// Where the time of the largest run goes: policylint marks the end of each step on stderr
// (POLICYLINT_PHASE_TIMES); the shortest of five runs for each step.
if let largestExport = exports.last {
    let phasesPath = "\(dir)/phases.txt"
    var steps: [String] = [], shortest: [String: Double] = [:]
    var analysis = Double.infinity
    for _ in 0..<5 {
        _ = run([policylint] + exportArguments + [largestExport.path], stderrPath: phasesPath, extraEnvironment: ["POLICYLINT_PHASE_TIMES=1"])
        guard let f = fopen(phasesPath, "r") else { break }
        var previous: Double?
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), f) != nil {
            let parts = String(cString: line).split(separator: " ")
            // A run check (the rule base analysis) runs beside the checks: its own time.
            if parts.count == 4, parts[1] == "check", parts[2] == "rulebase", let seconds = Double(parts[3].split(separator: "\n")[0]) {
                analysis = min(analysis, seconds)
                continue
            }
            guard parts.count == 4, parts[1] == "phase", let time = Double(parts[3].trimmingPrefix(" ").split(separator: "\n")[0]) else { continue }
            let step = String(parts[2])
            if let previous {
                if !steps.contains(step) { steps.append(step) }
                shortest[step] = min(shortest[step] ?? .infinity, time - previous)
            }
            previous = time
        }
        fclose(f)
    }
    if !steps.isEmpty {
        say("  steps of the \(largestExport.label) run (seconds, shortest of 5): " + steps.map { "\($0) \(fixed(shortest[$0]!, 3))" }.joined(separator: ", "))
    }
    if analysis.isFinite {
        // The same run with the rule base analysis turned off (its rules off in a configuration).
        let configPath = "\(dir)/no-rulebase.policylint.json"
        let off = ["rulebase/shadowed", "rulebase/shadowed-conflict", "rulebase/redundant", "rulebase/after-catch-all",
                   "nsx/group-cycle", "rulebase/unused-group", "rulebase/unused-service"].map { "\"\($0)\": \"off\"" }.joined(separator: ", ")
        write(Array("{\"rules\": {\(off)}}\n".utf8), to: configPath)
        let with = best(of: 3, [policylint] + exportArguments + [largestExport.path])
        let without = best(of: 3, [policylint] + exportArguments + ["--config", configPath, largestExport.path])
        say("  rule base analysis of the \(largestExport.label) run: \(fixed(analysis, 3)) s (beside the checks, shortest of 5); the run takes \(fixed(with.seconds, 3)) s with it, \(fixed(without.seconds, 3)) s without")
    }
}

let smallRun = best(of: 30, [policylint, "--format", "sarif", smallPath])
let manyRun = best(of: 3, [policylint, "--format", "sarif", manyDir])
let scaling = times[1] / times[0]
let sizeRatio = Double(exports[1].bytes) / Double(exports[0].bytes)
say("  \(pad("5 KB file", 10)) \(lpad(fixed(Double(smallBytes) / 1000, 1) + " KB", 9)) \(lpad(fixed(smallRun.seconds * 1000, 1) + " ms", 9))   (best of 30)")
say("  \(pad("10k files", 10)) \(lpad(fixed(mb(manyBytes), 1), 9)) \(lpad(fixed(manyRun.seconds, 3), 9)) \(lpad(fixed(mb(manyBytes) / manyRun.seconds, 0), 8)) \(lpad(fixed(mb(manyRun.peakRSS), 1), 12)) \(lpad("", 10)) \(lpad(fixed(manyRun.cpuSeconds, 3), 8))   (10,000 files in one run)")
if times.count > 2 {
    say("  scaling: \(fixed(sizeRatio, 1))× input → \(fixed(scaling, 2))× time; \(fixed(Double(exports[2].bytes) / Double(exports[1].bytes), 1))× input → \(fixed(times[2] / times[1], 2))× time")
} else {
    say("  scaling: \(fixed(sizeRatio, 1))× input → \(fixed(scaling, 2))× time")
}

// The language server: a 5 KB document edited in a workspace of 50 small files, then in one that
// also holds the ~1 MB export (its scan is kept between edits).
let workspaceDir = "\(dir)/workspace"
mkdir(workspaceDir, 0o755)
for i in 0..<50 { write(policyFile(index: 20_000 + i, rules: 1 + i % 5), to: "\(workspaceDir)/policy-\(i).json") }
let smallText = String(decoding: policyFile(index: 1, rules: 8), as: UTF8.self)
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}
say("  policylint lsp, 5 KB document edited 60 times (milliseconds from didChange to its diagnostics)")
var editLatencyP95 = 0.0
for (label, withExport) in [("50 small files", false), ("+ ~1 MB export", true)] {
    if withExport { _ = run(["/bin/cp", exports[0].path, "\(workspaceDir)/infra.json"]) }
    let measured = languageServerLatencies(workspace: workspaceDir, document: "edited.json", text: smallText, edits: 60)
    let p95 = percentile(measured.edits, 0.95)
    if !withExport { editLatencyP95 = p95 }
    say("    workspace \(pad(label, 15)) first \(lpad(fixed(measured.first, 1), 6)) (workspace read), edits: median \(fixed(percentile(measured.edits, 0.5), 1)), 95th percentile \(fixed(p95, 1)), max \(fixed(measured.edits.max()!, 1))")
}

say("")
say("targets (2-core machine)")
let bigLabel = exports.last!.label
say("  ≥300 MB/s end to end on \(bigLabel): \(fixed(largest.mbps, 0)) MB/s — \(verdict(largest.mbps >= 300))")
say("  peak memory ≤3× input on \(bigLabel): \(fixed(largest.rssRatio, 2))× — \(verdict(largest.rssRatio <= 3))")
say("  5 KB file ≤15 ms: \(fixed(smallRun.seconds * 1000, 1)) ms — \(verdict(smallRun.seconds <= 0.015))")
say("  16× input ≤17× time: \(fixed(scaling, 2))× — \(verdict(scaling <= 17))")
say("  10,000 small files ≤3 s: \(fixed(manyRun.seconds, 2)) s — \(verdict(manyRun.seconds <= 3))")
say("  diagnostics of a 5 KB document ≤20 ms after didChange (95th percentile): \(fixed(editLatencyP95, 1)) ms — \(verdict(editLatencyP95 <= 20))")

say("")
say("for comparison (same inputs)")
if let jq = which("jq") {
    for export in exports {
        let r = best(of: export.bytes > 50_000_000 ? 1 : 3, [jq, ".", export.path])
        say("  jq .                \(pad(export.label, 8)) \(lpad(fixed(r.seconds, 3), 8)) s \(lpad(fixed(mb(export.bytes) / r.seconds, 0), 6)) MB/s, peak RSS \(fixed(mb(r.peakRSS), 1)) MB")
    }
    let r = best(of: 10, [jq, ".", smallPath])
    say("  jq .                5 KB file \(fixed(r.seconds * 1000, 1)) ms")
} else {
    say("  jq: not installed, skipped")
}
if let checker = which("check-jsonschema") {
    // A small schema for the policy rules (the enums policylint checks), applied to the H-API
    // tree wherever a SecurityPolicy or Rule sits.
    let schemaPath = "\(dir)/schema.json"
    let schema = """
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/node",
     "$defs": {
       "node": {"type": "object",
         "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/child"}}, "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
                        "sequence_number": {"type": "integer", "minimum": 0, "maximum": 999999}}},
       "child": {"type": "object", "properties": {"Domain": {"$ref": "#/$defs/node"}, "Group": {"$ref": "#/$defs/node"}, "SecurityPolicy": {"$ref": "#/$defs/node"}}},
       "rule": {"type": "object", "properties": {
         "action": {"enum": ["ALLOW", "DROP", "REJECT", "JUMP_TO_APPLICATION"]}, "direction": {"enum": ["IN", "OUT", "IN_OUT"]},
         "ip_protocol": {"enum": ["IPV4", "IPV6", "IPV4_IPV6"]}, "sequence_number": {"type": "integer", "minimum": 0},
         "source_groups": {"type": "array", "maxItems": 128, "items": {"type": "string"}},
         "destination_groups": {"type": "array", "maxItems": 128, "items": {"type": "string"}}}}}}
    """
    write(Array(schema.utf8), to: schemaPath)
    // check-jsonschema (Python) holds the document as objects, several times its size, at a few
    // to a dozen MB/s: the ~160 MB export is skipped.
    for export in exports where export.bytes < 50_000_000 {
        let r = best(of: 1, [checker, "--schemafile", schemaPath, export.path], accept: [0, 1])
        say("  check-jsonschema    \(pad(export.label, 8)) \(lpad(fixed(r.seconds, 3), 8)) s \(lpad(fixed(mb(export.bytes) / r.seconds, 1), 6)) MB/s, peak RSS \(fixed(mb(r.peakRSS), 1)) MB")
    }
    let r = best(of: 3, [checker, "--schemafile", schemaPath, smallPath], accept: [0, 1])
    say("  check-jsonschema    5 KB file \(fixed(r.seconds * 1000, 1)) ms")
} else {
    say("  check-jsonschema: not installed, skipped (pip install check-jsonschema)")
}
cleanUp()
