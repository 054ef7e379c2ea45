import Foundation
import Testing
@testable import PolicyLint
@testable import policylint

/// An editor's side of `policylint lsp`: the built executable spawned, spoken to in framed
/// JSON-RPC on its standard input, and read on its standard output.
final class LanguageClient {
    let process = Process()
    private let input = Pipe(), output = Pipe(), errors = Pipe()
    private var buffer: [UInt8] = []
    private var nextID = 1
    /// Messages read while waiting for another one.
    private var kept: [JSONValue] = []

    init(in folder: URL, arguments: [String] = []) throws {
        process.executableURL = CLI.binary
        process.arguments = ["lsp"] + arguments
        process.currentDirectoryURL = folder
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    func sendRaw(_ bytes: [UInt8]) { input.fileHandleForWriting.write(Data(bytes)) }

    func frame(_ message: JSONValue) -> [UInt8] {
        let body = Array(message.text.utf8)
        return Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    func notify(_ method: String, _ params: JSONValue) {
        sendRaw(frame(["jsonrpc": "2.0", "method": .string(method), "params": params]))
    }

    /// Sends a request and waits for its response (notifications met on the way are kept).
    func request(_ method: String, _ params: JSONValue = .null) throws -> JSONValue {
        let id = nextID
        nextID += 1
        sendRaw(frame(["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": params]))
        return try receive { $0["id"]?.int == id }
    }

    /// The next diagnostics published for `uri`.
    func diagnostics(for uri: String) throws -> JSONValue {
        try receive { Self.isDiagnostics($0, uri) }["params"]!
    }

    static func isDiagnostics(_ message: JSONValue, _ uri: String) -> Bool {
        message["method"]?.string == "textDocument/publishDiagnostics" && message["params"]?["uri"]?.string == uri
    }

    /// The first message kept or read that matches, reading for at most 30 seconds (a debug
    /// build on a busy machine; the server answers in milliseconds).
    func receive(until matches: (JSONValue) -> Bool) throws -> JSONValue {
        if let i = kept.firstIndex(where: matches) { return kept.remove(at: i) }
        let deadline = Date().addingTimeInterval(30)
        while true {
            while let message = try nextBuffered() {
                if matches(message) { return message }
                kept.append(message)
            }
            var poller = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            guard remaining > 0, poll(&poller, 1, remaining) > 0 else { throw ClientError("no answer within 30 s") }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(output.fileHandleForReading.fileDescriptor, &chunk, chunk.count)
            guard n > 0 else { throw ClientError("the server closed its output") }
            buffer += chunk[0..<n]
        }
    }

    private func nextBuffered() throws -> JSONValue? {
        guard let end = MessageReader.headerEnd(in: buffer, from: 0) else { return nil }
        let header = String(decoding: buffer[0..<end], as: UTF8.self)
        guard header.hasPrefix("Content-Length: "), let length = Int(header.dropFirst(16)) else { throw ClientError("header \(header)") }
        guard buffer.count >= end + 4 + length else { return nil }
        let body = Array(buffer[(end + 4)..<(end + 4 + length)])
        buffer.removeFirst(end + 4 + length)
        guard let message = JSONValue(parsing: body) else { throw ClientError("not JSON: \(String(decoding: body, as: UTF8.self))") }
        return message
    }

    /// Closes the server's input and waits for it to end: its exit status.
    func finish() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    struct ClientError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

extension JSONValue {
    /// An LSP range as `[startLine, startCharacter, endLine, endCharacter]`.
    var rangeNumbers: [Int] {
        [self["start"]?["line"]?.int, self["start"]?["character"]?.int, self["end"]?["line"]?.int, self["end"]?["character"]?.int].map { $0 ?? -1 }
    }
}

@Suite("Language server", .serialized)
struct LanguageServerTests {
    /// A policy with two mistakes after a name outside the Basic Multilingual Plane (🔥 is two
    /// UTF-16 code units, four UTF-8 bytes, one code point), and a reference one letter off a
    /// group that only another file of the workspace defines.
    static let policy = """
        {"resource_type": "SecurityPolicy", "display_name": "Zürich 🔥", "category": "application", "sequence_number": 1000000,
         "rules": [{"resource_type": "Rule", "display_name": "r", "action": "DROP", "sequence_number": 1, "logged": true,
          "source_groups": ["/infra/domains/default/groups/webb"], "destination_groups": ["ANY"], "services": ["ANY"]}]}

        """
    static let groups = #"{"resource_type": "Group", "id": "web", "display_name": "web", "path": "/infra/domains/default/groups/web", "expression": []}"#
    /// The configuration makes the sequence range a warning: the server applies it.
    static let configuration = #"{"rules": {"nsx/sequence-range": "warning"}}"#

    func workspace() throws -> TemporaryFolder {
        try TemporaryFolder(["policies/web.json": Self.policy, "groups.json": Self.groups, ".policylint.json": Self.configuration])
    }

    func start(_ folder: TemporaryFolder) throws -> LanguageClient {
        let client = try LanguageClient(in: folder.url)
        let initialize = try client.request("initialize", ["processId": .null, "rootUri": .string(LanguageServer.uri(ofPath: folder.url.path)), "capabilities": [:]])
        let capabilities = initialize["result"]?["capabilities"]
        #expect(capabilities?["textDocumentSync"]?["change"]?.int == 1)
        #expect(capabilities?["textDocumentSync"]?["openClose"] == true)
        #expect(capabilities?["hoverProvider"] == true)
        #expect(capabilities?["codeActionProvider"]?["codeActionKinds"] == ["quickfix"])
        #expect(initialize["result"]?["serverInfo"]?["name"]?.string == "policylint")
        client.notify("initialized", [:])
        return client
    }

    @Test func anEditSessionFromOpenToExit() throws {
        let folder = try workspace()
        defer { folder.remove() }
        let client = try start(folder)
        let uri = LanguageServer.uri(ofPath: folder.path("policies/web.json"))

        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "json", "version": 1, "text": .string(Self.policy)]])
        let opened = try client.diagnostics(for: uri)
        #expect(opened["version"]?.int == 1)
        let diagnostics = opened["diagnostics"]?.array ?? []
        #expect(diagnostics.map { $0["code"]?.string ?? "" } == ["schema/enum", "nsx/sequence-range", "xref/dangling"])
        // UTF-16 code units: "Zürich 🔥" puts the enum one unit right of its code-point column (77).
        #expect(diagnostics.map { $0["range"]!.rangeNumbers } == [[0, 77, 0, 90], [0, 111, 0, 118], [2, 20, 2, 56]])
        #expect(diagnostics.map { $0["severity"]?.int ?? 0 } == [1, 2, 1])
        #expect(diagnostics.allSatisfy { $0["source"]?.string == "policylint" })
        #expect(diagnostics[0]["codeDescription"]?["href"]?.string?.hasPrefix("https://") == true)
        // The workspace's other file is the bundle: the group it defines is the near miss.
        #expect(diagnostics[2]["message"]?.string?.hasSuffix("did you mean /infra/domains/default/groups/web?") == true)

        // The enum's safe fix, asked for with the cursor on the value.
        let actions = try client.request("textDocument/codeAction", [
            "textDocument": ["uri": .string(uri)],
            "range": ["start": ["line": 0, "character": 80], "end": ["line": 0, "character": 80]],
            "context": ["diagnostics": []],
        ])["result"]?.array ?? []
        #expect(actions.count == 1)
        #expect(actions.first?["title"]?.string == "write 'Application' (schema/enum)")
        #expect(actions.first?["kind"]?.string == "quickfix")
        let edit = actions.first?["edit"]?["changes"]?[uri]?.array?.first
        #expect(edit?["range"]?.rangeNumbers == [0, 77, 0, 90])
        #expect(edit?["newText"]?.string == "\"Application\"")

        // Hover on the key: the field, its values and the rule.
        let hover = try client.request("textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": ["line": 0, "character": 68]])["result"]
        #expect(hover?["range"]?.rangeNumbers == [0, 65, 0, 90])
        let markdown = hover?["contents"]?["value"]?.string ?? ""
        #expect(markdown.hasPrefix("**category** · field of SecurityPolicy"))
        #expect(markdown.contains("One of: `Ethernet`, `Emergency`, `Infrastructure`, `Environment`, `Application`"))

        // An edit fixes both mistakes: only the reference is left, at the new version.
        let fixed = Self.policy.replacing("\"application\"", with: "\"Application\"").replacing("1000000", with: "10")
        client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 2], "contentChanges": [["text": .string(fixed)]]])
        let changed = try client.diagnostics(for: uri)
        #expect(changed["version"]?.int == 2)
        #expect(changed["diagnostics"]?.array?.map { $0["code"]?.string ?? "" } == ["xref/dangling"])

        client.notify("textDocument/didClose", ["textDocument": ["uri": .string(uri)]])
        #expect(try client.diagnostics(for: uri)["diagnostics"] == [])

        #expect(try client.request("shutdown")["result"] == .null)
        client.notify("exit", .null)
        #expect(client.finish() == 0)
    }

    /// A template being written is read past its placeholders, as the command reads it.
    @Test func aTemplateIsLintedPastItsPlaceholders() throws {
        let folder = try TemporaryFolder([:])
        defer { folder.remove() }
        let client = try start(folder)
        let uri = LanguageServer.uri(ofPath: folder.path("roles/dfw/templates/policy.json.j2"))
        let template = """
            {
              "resource_type": "SecurityPolicy",
              "display_name": "{{ policy_name }}",
              "stateful": {{ stateful | lower }},
              "category": "Application",
              "sequence_number": 1200000
            }
            """
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "jinja", "version": 1, "text": .string(template)]])
        let diagnostics = try client.diagnostics(for: uri)["diagnostics"]?.array ?? []
        #expect(diagnostics.map { $0["code"]?.string ?? "" } == ["nsx/sequence-range"])
        #expect(diagnostics.first?["range"]?.rangeNumbers == [5, 21, 5, 28])
        #expect(try client.request("shutdown")["result"] == .null)
        client.notify("exit", .null)
        #expect(client.finish() == 0)
    }

    /// policylint's own configuration, edited in the editor, is read as the command reads it:
    /// its mistake at its place, not findings as if it were an appliance's config.
    @Test func theConfigurationIsCheckedAsConfiguration() throws {
        let folder = try TemporaryFolder([:])
        defer { folder.remove() }
        let client = try start(folder)
        let uri = LanguageServer.uri(ofPath: folder.path(".policylint.json"))
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "json", "version": 1,
                                                                "text": "{\n  \"rules\": {\"nsx/sequence-rang\": \"off\"}\n}\n"]])
        let broken = try client.diagnostics(for: uri)["diagnostics"]?.array ?? []
        #expect(broken.map { $0["code"]?.string ?? "" } == ["configuration"])
        #expect(broken.first?["message"]?.string == "broken configuration: no rule 'nsx/sequence-rang'; did you mean 'nsx/sequence-range'?")
        #expect(broken.first?["range"]?.rangeNumbers == [1, 12, 1, 12])
        client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 2],
                                                 "contentChanges": [["text": "{\"rules\": {\"nsx/sequence-range\": \"off\"}}"]]])
        #expect(try client.diagnostics(for: uri)["diagnostics"] == [])
        #expect(try client.request("shutdown")["result"] == .null)
        client.notify("exit", .null)
        #expect(client.finish() == 0)
    }

    /// A code action asked for in the same burst as the edit lints the text first; its
    /// diagnostics are still published.
    @Test func aCodeActionBeforePublicationDoesNotSwallowTheDiagnostics() throws {
        let folder = try TemporaryFolder([:])
        defer { folder.remove() }
        let client = try start(folder)
        let uri = LanguageServer.uri(ofPath: folder.path("p.json"))
        let open = client.frame(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": [
            "uri": .string(uri), "languageId": "json", "version": 1, "text": #"{"resource_type": "SecurityPolicy", "category": "application"}"#]]])
        let action = client.frame(["jsonrpc": "2.0", "id": 50, "method": "textDocument/codeAction", "params": [
            "textDocument": ["uri": .string(uri)], "range": ["start": ["line": 0, "character": 50], "end": ["line": 0, "character": 50]],
            "context": ["diagnostics": []]]])
        client.sendRaw(open + action)
        #expect(try client.receive { $0["id"]?.int == 50 }["result"]?.array?.first?["title"]?.string == "write 'Application' (schema/enum)")
        #expect(try client.diagnostics(for: uri)["diagnostics"]?.array?.map { $0["code"]?.string ?? "" } == ["schema/enum"])
        #expect(try client.request("shutdown")["result"] == .null)
        client.notify("exit", .null)
        #expect(client.finish() == 0)
    }

    @Test func theProtocolsMistakesAreAnsweredAndTheServerGoesOn() throws {
        let folder = try TemporaryFolder([:])
        defer { folder.remove() }
        let client = try LanguageClient(in: folder.url)
        #expect(try client.request("textDocument/hover", [:])["error"]?["code"]?.int == -32002)
        _ = try client.request("initialize", ["capabilities": [:]])
        #expect(try client.request("workspace/symbol", [:])["error"]?["code"]?.int == -32601)
        // Not JSON: a parse error with a null id, and the next message is answered.
        client.sendRaw(Array("Content-Length: 8\r\n\r\nnot json".utf8))
        #expect(try client.receive { $0["id"] == .null }["error"]?["code"]?.int == -32700)
        // Two messages in one write, one with a Content-Type header.
        let uri = LanguageServer.uri(ofPath: folder.path("a b/ü.json"))
        let open = client.frame(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": [
            "uri": .string(uri), "languageId": "json", "version": 7, "text": #"{"resource_type": "SecurityPolicy", "sequence_number": -1}"#]]])
        let body = Array(#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#.utf8)
        client.sendRaw(open + Array("Content-Length: \(body.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".utf8) + body)
        let diagnostics = try client.diagnostics(for: uri)
        #expect(diagnostics["version"]?.int == 7)
        #expect(diagnostics["diagnostics"]?.array?.map { $0["code"]?.string ?? "" } == ["nsx/sequence-range"])
        #expect(try client.receive { $0["id"]?.int == 99 }["result"] == .null)
        // After shutdown, requests are refused, and the input ending is a clean end.
        #expect(try client.request("textDocument/hover", [:])["error"]?["code"]?.int == -32600)
        #expect(client.finish() == 0)
        // Without shutdown it is not: the client went away.
        let abandoned = try CLI.run(["lsp"], stdin: "")
        #expect(abandoned.status == 1)
        #expect(abandoned.stdout.isEmpty)
    }

    @Test func lspTakesNoPathAndNoFormat() throws {
        let path = try CLI.run(["lsp", "a.json"])
        #expect(path.status == 2)
        #expect(path.stderr == "policylint: lsp takes no path: it lints the documents the editor sends (run 'policylint --help' for usage)\n")
        let format = try CLI.run(["lsp", "--format", "json"])
        #expect(format.status == 2)
        #expect(format.stderr.contains("--format json: policylint lsp speaks the Language Server Protocol only"))
    }

    /// Every sample, seed example, real-world file, template and RFC 8259 conformance file (that
    /// is valid UTF-8, as an editor's text is): the server publishes exactly the findings the
    /// linter makes, each at the UTF-16 position of its line and code-point column, counted
    /// here from Swift's own strings.
    @Test func diagnosticsAreTheLintersFindingsInUTF16() throws {
        let ruleSet = try RuleSet(packs: try RuleSet.builtInPacks())
        var checked = 0
        for folder in ["testdata/samples", "testdata/seeds", "testdata/realworld", "testdata/templates", "testdata/conformance/valid", "testdata/conformance/invalid"] {
            let url = Golden.root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".json") || name.hasSuffix(".j2") {
                let bytes = Array(try Data(contentsOf: url.appendingPathComponent(name)))
                guard let text = String(validating: bytes, as: UTF8.self) else { continue }
                let server = LanguageServer(ruleSet: ruleSet, arguments: Arguments(), workingDirectory: "/nonexistent")
                func send(_ message: JSONValue) { _ = server.receive(Array(message.text.utf8)) }
                send(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["capabilities": [:]]])
                let uri = "file:///nonexistent/\(name)"
                send(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": ["uri": .string(uri), "languageId": "json", "version": 1, "text": .string(text)]]])
                let diagnostics = server.publishPending().first?["params"]?["diagnostics"]?.array ?? []
                let findings = Linter(ruleSet: ruleSet).lint(file: name, bytes: bytes).findings.filter { $0.suppression == nil }
                let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
                // The linter's columns start after a byte order mark; in the text an editor
                // sends, a mark that is there is a character of the first line.
                let mark = text.unicodeScalars.first == "\u{FEFF}" ? 1 : 0
                func utf16(_ position: SourcePosition, _ offset: Int) -> [Int] {
                    // A finding about the mark itself (its bytes 0–3) is placed on it.
                    if mark == 1 && offset < 3 { return [0, offset == 0 ? 0 : 1] }
                    guard position.line - 1 < lines.count else { return [position.line - 1, -1] }
                    let scalars = position.column - 1 + (position.line == 1 ? mark : 0)
                    return [position.line - 1, String(String.UnicodeScalarView(lines[position.line - 1].unicodeScalars.prefix(scalars))).utf16.count]
                }
                #expect(diagnostics.map { $0["code"]?.string ?? "" } == findings.map(\.ruleID), "\(folder)/\(name)")
                #expect(diagnostics.map { $0["range"]!.rangeNumbers } == findings.map { utf16($0.start, $0.byteRange.lowerBound) + utf16($0.end, $0.byteRange.upperBound) }, "\(folder)/\(name)")
                #expect(diagnostics.map { $0["message"]?.string ?? "" } == findings.map(\.message), "\(folder)/\(name)")
                checked += 1
            }
        }
        #expect(checked >= 150)
    }

    // MARK: the pieces

    @Test func positionsCountUTF16CodeUnitsAndEveryLineEnd() {
        let positions = TextPositions(Array("a🔥b\r\nüx\rz\n".utf8))
        #expect(Self.numbers(positions.position(of: 0)) == [0, 0])
        #expect(Self.numbers(positions.position(of: 5)) == [0, 3])  // after 🔥: two units
        #expect(Self.numbers(positions.position(of: 8)) == [1, 0])  // after \r\n
        #expect(Self.numbers(positions.position(of: 10)) == [1, 1])  // after ü: one unit, two bytes
        #expect(Self.numbers(positions.position(of: 12)) == [2, 0])  // after a lone \r
        #expect(positions.offset(line: 0, character: 3) == 5)
        #expect(positions.offset(line: 0, character: 99) == 6)  // past the end: the line's end
        #expect(positions.offset(line: 1, character: 1) == 10)
        #expect(positions.offset(line: 9, character: 0) == 14)
        #expect(positions.offset(line: 2, codePointColumn: 2) == 10)
    }

    static func numbers(_ position: (line: Int, character: Int)) -> [Int] { [position.line, position.character] }

    @Test func fileURIsArePercentEncodedBothWays() {
        let path = "/tmp/a b/Zürich#1.json"
        let uri = LanguageServer.uri(ofPath: path)
        #expect(uri == "file:///tmp/a%20b/Z%C3%BCrich%231.json")
        #expect(LanguageServer.path(ofURI: uri) == path)
        #expect(LanguageServer.path(ofURI: "file://localhost/etc/x.json") == "/etc/x.json")
        #expect(LanguageServer.path(ofURI: "untitled:Untitled-1") == nil)
        #expect(LanguageServer.path(ofURI: "file://server/share/x.json") == nil)
    }

    @Test func framesAreReadWholeAndAMissingLengthIsSkipped() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = "Content-Length: 2\r\n\r\n{}X-Other: 1\r\n\r\nContent-Length: 4\r\n\r\nnull"
        _ = text.withCString { write(fds[1], $0, strlen($0)) }
        close(fds[1])
        var reader = MessageReader(descriptor: fds[0])
        defer { close(fds[0]) }
        #expect(reader.next() == .message(Array("{}".utf8)))
        #expect(reader.next() == .malformed("a message header without a Content-Length"))
        #expect(reader.next() == .message(Array("null".utf8)))
        #expect(reader.next() == .end)
    }

    @Test func aPreparedContextLintsAsTheContextItself() throws {
        let linter = Linter(ruleSet: try RuleSet(packs: try RuleSet.builtInPacks()))
        // The context's group is the near miss, and its DROP rule shadows the policy's.
        let context = [(name: "groups.json", bytes: Array(Self.groups.utf8)),
                       (name: "deny.json", bytes: Array(#"{"resource_type": "SecurityPolicy", "id": "deny", "display_name": "deny", "category": "Application", "sequence_number": 1, "rules": [{"resource_type": "Rule", "id": "all", "display_name": "all", "action": "DROP", "sequence_number": 1, "logged": true, "source_groups": ["ANY"], "destination_groups": ["ANY"], "services": ["ANY"]}]}"#.utf8))]
        let file = [(name: "policies/web.json", bytes: Array(Self.policy.utf8))]
        let direct = linter.lint(bundle: file, context: context)
        let prepared = linter.prepare(context: context)
        for _ in 0..<2 {
            let again = linter.lint(bundle: file, prepared: prepared)
            #expect(again.map(\.file) == ["policies/web.json"])
            #expect(again[0].findings.map { "\($0.ruleID) \($0.start.line):\($0.start.column) \($0.message)" }
                    == direct[0].findings.map { "\($0.ruleID) \($0.start.line):\($0.start.column) \($0.message)" })
        }
        #expect(Set(direct[0].findings.map(\.ruleID)).isSuperset(of: ["xref/dangling", "rulebase/shadowed"]))
    }

    /// What an editor offers beside the enum and read-only fixes: the push errors whose repair
    /// is certain (a range of one port, a range written backwards).
    @Test func pushErrorsWithOneRepairCarryItsFix() throws {
        let text = """
            {"resource_type": "Rule", "display_name": "r", "action": "ALLOW", "sequence_number": 1, "logged": true,
             "source_groups": ["10.0.0.9-10.0.0.1"], "destination_groups": ["ANY"], "services": ["ANY"],
             "service_entries": [{"resource_type": "L4PortSetServiceEntry", "display_name": "e", "l4_protocol": "TCP", "destination_ports": ["6000-6000", "90-80", "0"]}]}
            """
        let bytes = Array(text.utf8)
        let findings = Linter(ruleSet: try RuleSet(packs: try RuleSet.builtInPacks())).lint(file: "r.json", bytes: bytes).findings
        let fixed = findings.map { finding in
            finding.fix.map { "\(finding.ruleID) \(finding.pointer): \($0.description): \(String(decoding: bytes[$0.edit.range], as: UTF8.self)) → \($0.edit.replacement)" }
                ?? "\(finding.ruleID) \(finding.pointer): no fix"
        }
        #expect(fixed == [
            "nsx/address-literal /source_groups/0: write '10.0.0.1-10.0.0.9': \"10.0.0.9-10.0.0.1\" → \"10.0.0.1-10.0.0.9\"",
            "nsx/port-range /service_entries/0/destination_ports/0: write '6000': \"6000-6000\" → \"6000\"",
            "nsx/port-range /service_entries/0/destination_ports/1: write '80-90': \"90-80\" → \"80-90\"",
            // Port 0 has no one repair.
            "nsx/port-range /service_entries/0/destination_ports/2: no fix",
        ])
    }

    @Test func hoverDescribesNestedAndModelFields() throws {
        let linter = Linter(ruleSet: try RuleSet(packs: try RuleSet.builtInPacks()))
        let policy = Array(Self.policy.utf8)
        let action = Self.policy.utf8.firstRange(of: "\"DROP\"".utf8)!.lowerBound
        let rule = try #require(linter.describeField(file: "p.json", bytes: policy, at: Self.policy.utf8.distance(from: Self.policy.utf8.startIndex, to: action) + 1))
        #expect(rule.markdown.hasPrefix("**action** · field of Rule"))
        #expect(rule.markdown.contains("`DROP`"))
        #expect(linter.describeField(file: "p.json", bytes: policy, at: 0) == nil)  // the brace
        let tier1 = #"{"resource_type": "Tier1", "failover_mode": "PREEMPTIVE"}"#
        let field = try #require(linter.describeField(file: "t.json", bytes: Array(tier1.utf8), at: 30))
        #expect(field.byteRange == 27..<56)
        #expect(field.markdown.hasPrefix("**failover_mode** · field of Tier1 (VMware NSX Policy API 4.2 model)"))
        #expect(field.markdown.contains("`NON_PREEMPTIVE`"))
        #expect(field.markdown.contains("Source: VMware NSX Policy API 4.2 model: Tier1.failover_mode"))
    }
}
