// `policylint lsp`: the linter as a Language Server Protocol server on standard input and
// output, so an editor shows findings as a config is written, not at commit time.
#if canImport(Glibc)
import Glibc
#endif
import PolicyLint

/// The stdio loop: frames in, the server's answers out. Standard output carries the protocol
/// alone; anything else goes to standard error, which editors keep as the server's log.
struct LanguageServerCommand {
    var arguments: Arguments
    var ruleSet: RuleSet

    func run() -> ExitCode {
        let server = LanguageServer(ruleSet: ruleSet, arguments: arguments, workingDirectory: currentDirectory())
        var reader = MessageReader(descriptor: 0)
        let writer = MessageWriter(descriptor: 1)
        while true {
            switch reader.next() {
            case .end:
                // The client went away without `exit`: the protocol's code for that is 1.
                return server.shutdownRequested ? .passed : .failed
            case .malformed(let why):
                writeStandardError("policylint lsp: skipped \(why)\n")
            case .message(let bytes):
                for reply in server.receive(bytes) { writer.send(reply.text) }
                if let code = server.exitCode { return code }
            }
            // Lint once the burst of messages waiting has been read: a fast typist's edits are
            // linted at their last version only.
            if !reader.hasPendingInput() {
                for notification in server.publishPending() { writer.send(notification.text) }
            }
        }
    }

    func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The server's state and its answers: JSON-RPC messages in, messages out, no I/O but reading
/// the workspace's files. One document is linted as the pre-commit hook lints a change: with
/// the workspace's other JSON files as its bundle, so references resolve, and with the
/// `.policylint.json` nearest to it.
final class LanguageServer {
    let ruleSet: RuleSet
    let arguments: Arguments
    /// The folder names are shown relative to, and configuration globs resolved from: the
    /// workspace root once the client names it.
    private(set) var root: String
    /// The workspace folder the client named; without one, no file but the open ones is read
    /// (an editor started in `/` must not walk the whole disk).
    private var workspaceRoot: String?
    private(set) var shutdownRequested = false
    /// Set by `exit`: the process ends with it.
    private(set) var exitCode: ExitCode?
    private var initialized = false

    struct OpenDocument {
        var uri: String
        /// The file's absolute path, for a `file:` URI.
        var path: String?
        var version: Int?
        var bytes: [UInt8]
        /// The last lint: its findings (for code actions) and whether the text changed since.
        var findings: [Finding] = []
        var linted = false
        /// Whether the client has the diagnostics of the current text (a code action may have
        /// linted it before they were published).
        var published = false
        /// How many times the text changed: another document's context is prepared anew
        /// when this one's text is not the one it was prepared with.
        var edits = 0
        /// policylint's own files are not an appliance's: the configuration is read as the
        /// command reads it (its one problem, if any), a baseline not at all.
        var ownFileDiagnostics: [JSONValue]?
    }
    private var documents: [String: OpenDocument] = [:]
    /// Documents closed since the last publication: their diagnostics are cleared.
    private var closed: [String] = []
    /// The workspace's JSON files as last read from disk, by absolute path; nil until first
    /// needed, and again after a save. `workspaceReads` counts the readings.
    private var workspaceFiles: [String: [UInt8]]? { didSet { workspacePositions = [:] } }
    private var workspaceReads = 0
    /// The line starts of workspace files that related locations point into.
    private var workspacePositions: [String: TextPositions] = [:]

    /// A document's bundle scanned once, and what it was made from: the workspace's reading,
    /// the other open documents' edits and the configuration. Scanning the workspace on every
    /// keystroke would make a large one slow to answer.
    private struct PreparedContext {
        var workspaceRead: Int
        var edits: [String: Int]
        var configuration: [UInt8]?
        var context: Linter.PreparedContext
    }
    private var preparedContexts: [String: PreparedContext] = [:]

    /// A context file larger than this is left out of the bundle, and so is what is beyond the
    /// total: every file of the bundle is scanned again on every edit, and a large export in
    /// the workspace would make each one slow. Said in the log.
    static let largestContextFile = 8 << 20
    static let largestContext = 64 << 20
    static let mostDirectories = 10_000

    init(ruleSet: RuleSet, arguments: Arguments, workingDirectory: String) {
        self.ruleSet = ruleSet
        self.arguments = arguments
        self.root = workingDirectory
    }

    // MARK: messages

    /// Answers one message: a response to a request, and notifications.
    func receive(_ bytes: [UInt8]) -> [JSONValue] {
        guard let message = JSONValue(parsing: bytes), case .object = message else {
            return [Self.error(id: .null, code: -32700, "the message is not a JSON object")]
        }
        let method = message["method"]?.string
        let id = message["id"]
        let params = message["params"] ?? .null
        guard let method else {
            // A response to a request of ours (we send none) or a broken message.
            return id == nil ? [Self.error(id: .null, code: -32600, "a message without a method")] : []
        }
        if let id {
            return [request(method, id: id, params: params)]
        }
        notification(method, params: params)
        return []
    }

    private func request(_ method: String, id: JSONValue, params: JSONValue) -> JSONValue {
        if shutdownRequested { return Self.error(id: id, code: -32600, "the server is shutting down") }
        if method != "initialize" && !initialized { return Self.error(id: id, code: -32002, "the server is not initialized") }
        switch method {
        case "initialize":
            initialized = true
            adoptWorkspace(params)
            return Self.result(id: id, [
                "capabilities": [
                    "positionEncoding": "utf-16",
                    "textDocumentSync": ["openClose": true, "change": 1, "save": ["includeText": false]],
                    "hoverProvider": true,
                    "codeActionProvider": ["codeActionKinds": ["quickfix"]],
                ],
                "serverInfo": ["name": "policylint", "version": .string(policylintVersion)],
            ])
        case "shutdown":
            shutdownRequested = true
            return Self.result(id: id, .null)
        case "textDocument/hover":
            return Self.result(id: id, hover(params))
        case "textDocument/codeAction":
            return Self.result(id: id, codeActions(params))
        default:
            return Self.error(id: id, code: -32601, "policylint does not handle \(method)")
        }
    }

    private func notification(_ method: String, params: JSONValue) {
        let document = params["textDocument"]
        guard let uri = document?["uri"]?.string else {
            switch method {
            case "exit": exitCode = shutdownRequested ? .passed : .failed
            case "workspace/didChangeWatchedFiles": workspaceFiles = nil
            default: break  // initialized, $/cancelRequest, $/setTrace, …
            }
            return
        }
        guard initialized else { return }
        switch method {
        case "textDocument/didOpen":
            documents[uri] = OpenDocument(uri: uri, path: Self.path(ofURI: uri), version: document?["version"]?.int,
                                          bytes: Array((document?["text"]?.string ?? "").utf8))
        case "textDocument/didChange":
            // Full sync: the last change holds the whole text.
            guard documents[uri] != nil, let text = params["contentChanges"]?.array?.last?["text"]?.string else { return }
            documents[uri]!.bytes = Array(text.utf8)
            documents[uri]!.version = document?["version"]?.int
            documents[uri]!.linted = false
            documents[uri]!.published = false
            documents[uri]!.edits += 1
        case "textDocument/didSave":
            // Saved text is what the other files' references see on disk now: read again, and
            // every open document linted again against it.
            workspaceFiles = nil
            for key in documents.keys { documents[key]!.linted = false; documents[key]!.published = false }
        case "textDocument/didClose":
            documents[uri] = nil
            preparedContexts[uri] = nil
            closed.append(uri)
        default:
            break
        }
    }

    /// `publishDiagnostics` for each document whose text changed since they were last published, and
    /// an empty one for each document closed.
    func publishPending() -> [JSONValue] {
        var out = closed.map { Self.notification("textDocument/publishDiagnostics", ["uri": .string($0), "diagnostics": []]) }
        closed = []
        for uri in documents.keys.sorted() where !documents[uri]!.published {
            if !documents[uri]!.linted { lint(uri) }
            documents[uri]!.published = true
            let document = documents[uri]!
            let positions = TextPositions(document.bytes)
            var params: [(key: String, value: JSONValue)] = [("uri", .string(uri))]
            if let version = document.version { params.append(("version", .number(Double(version)))) }
            params.append(("diagnostics", .array(document.ownFileDiagnostics ?? document.findings.map { diagnostic($0, positions) })))
            out.append(Self.notification("textDocument/publishDiagnostics", .object(params)))
        }
        return out
    }

    // MARK: linting

    /// The name a document's findings carry: its path relative to the workspace root, as the
    /// command line shows it run from there.
    private func name(of document: OpenDocument) -> String {
        guard let path = document.path else { return document.uri }
        return ProjectPath.shown(path, workingDirectory: root)
    }

    /// The linter for a document, and for the context files it is to scan: the command line's
    /// options, and the configuration's for those files (the command line wins, as when linting).
    private func linter(for document: OpenDocument, _ configuration: Configuration?, context: [(name: String, bytes: [UInt8])] = []) -> Linter {
        let files = configuration == nil ? [] : [name(of: document)] + context.map(\.name)
        return Linter(ruleSet: ruleSet, options: arguments.lintOptions(configuration, files: files, workingDirectory: root))
    }

    private func lint(_ uri: String) {
        guard let document = documents[uri] else { return }
        documents[uri]!.linted = true
        if let own = ownFileDiagnostics(document) {
            documents[uri]!.findings = []
            documents[uri]!.ownFileDiagnostics = own
            return
        }
        documents[uri]!.ownFileDiagnostics = nil
        let name = name(of: document)
        let configuration = configuration(for: document)
        var edits: [String: Int] = [:]
        for (other, open) in documents where other != uri { edits[other] = open.edits }
        _ = workspace()
        let current = preparedContexts[uri].map {
            $0.workspaceRead == workspaceReads && $0.edits == edits && $0.configuration == configuration?.bytes
        } ?? false
        if !current {
            // Read and scanned only when the bundle changed: not on every keystroke.
            let context = context(excluding: document)
            preparedContexts[uri] = PreparedContext(workspaceRead: workspaceReads, edits: edits, configuration: configuration?.bytes,
                                                    context: linter(for: document, configuration?.loaded, context: context).prepare(context: context))
        }
        let linter = linter(for: document, configuration?.loaded)
        var reports = linter.lint(bundle: [(name, document.bytes)], prepared: preparedContexts[uri]!.context)
        if let configuration = configuration?.loaded {
            reports = configuration.suppress(reports, workingDirectory: root, today: localToday(), linter: linter)
        }
        documents[uri]!.findings = reports.first.map { $0.findings.filter { $0.suppression == nil } } ?? []
    }

    /// For policylint's configuration, the problem its strict reading finds (none when it
    /// loads); for a baseline, none; nil for any other document.
    private func ownFileDiagnostics(_ document: OpenDocument) -> [JSONValue]? {
        if Baseline.recognizes(document.bytes) { return [] }
        guard document.uri.split(separator: "/").last == Substring(Configuration.fileName) else { return nil }
        do {
            _ = try Configuration.load(file: name(of: document), folder: root, bytes: document.bytes, ruleSet: ruleSet)
            return []
        } catch let error as ConfigurationError {
            let positions = TextPositions(document.bytes)
            let offset = error.position.map { positions.offset(line: $0.line, codePointColumn: $0.column) } ?? 0
            return [["range": Self.range(offset..<offset, positions), "severity": 1, "code": "configuration", "source": "policylint",
                     "message": .string("broken configuration: \(error.message)")]]
        } catch {
            return [["range": Self.range(0..<0, TextPositions(document.bytes)), "severity": 1, "source": "policylint",
                     "message": .string("broken configuration: \(error)")]]
        }
    }

    /// The bundle's other files: the workspace's JSON files, open ones at their edited text.
    private func context(excluding document: OpenDocument) -> [(name: String, bytes: [UInt8])] {
        var files = workspace()
        for open in documents.values { if let path = open.path { files[path] = open.bytes } }
        if let path = document.path { files[path] = nil }
        return files.keys.sorted().map { (ProjectPath.shown($0, workingDirectory: root), files[$0]!) }
    }

    /// The workspace's JSON files, walked and read when first needed and after a save or a
    /// change the client reports.
    private func workspace() -> [String: [UInt8]] {
        if let workspaceFiles { return workspaceFiles }
        var files: [String: [UInt8]] = [:]
        defer { workspaceFiles = files; workspaceReads += 1 }
        guard let workspaceRoot else { return files }
        var walk = InputWalk()
        walk.directoriesLeft = Self.mostDirectories
        var inputs: [InputWalk.Input] = []
        walk.collect(workspaceRoot, explicit: false, origin: 0, into: &inputs)
        if walk.directoriesLeft == 0 {
            writeStandardError("policylint lsp: the workspace \(terminalSafe(workspaceRoot)) has over \(Self.mostDirectories) folders; references resolve in the files of the first \(Self.mostDirectories)\n")
        }
        var total = 0, leftOut: [String] = []
        for input in inputs {
            // Sized before it is read: what would not be kept is not read.
            var status = stat()
            guard stat(input.path, &status) == 0 else { continue }
            let size = Int(status.st_size)
            guard size <= Self.largestContextFile, total + size <= Self.largestContext else {
                leftOut.append(input.path)
                continue
            }
            guard let bytes = try? readFile(input.path), !Baseline.recognizes(bytes) else { continue }
            total += bytes.count
            files[ProjectPath.absolute(input.path, workingDirectory: workspaceRoot)] = bytes
        }
        if let first = leftOut.first {
            writeStandardError("policylint lsp: \(leftOut.count) JSON file\(leftOut.count == 1 ? " is" : "s are") left out of the bundle references resolve in (\(terminalSafe(first))\(leftOut.count > 1 ? ", …" : "")): "
                               + "files over \(Self.largestContextFile >> 20) MB, or beyond \(Self.largestContext >> 20) MB in all, are not scanned again on every edit\n")
        }
        return files
    }

    /// The `.policylint.json` nearest to the document (or `--config`), with its bytes; a
    /// broken one is said in the log and the document is linted without it.
    private func configuration(for document: OpenDocument) -> (loaded: Configuration?, bytes: [UInt8])? {
        let folder = document.path.map(ProjectPath.folder(of:)) ?? root
        guard let found = arguments.configFile.map({ (path: ProjectPath.absolute($0, workingDirectory: root), shown: $0) })
            ?? Configuration.search(from: folder, workingDirectory: root, exists: { access($0, R_OK) == 0 }),
            let bytes = try? readFile(found.path) else { return nil }
        do {
            return (try Configuration.load(file: found.shown, folder: realPath(ProjectPath.folder(of: found.path)), bytes: bytes, ruleSet: ruleSet), bytes)
        } catch {
            writeStandardError("policylint lsp: broken configuration \(terminalSafe(found.shown)): \(terminalSafe("\(error)"))\n")
            return (nil, bytes)
        }
    }

    // MARK: answers

    private func diagnostic(_ finding: Finding, _ positions: TextPositions) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("range", Self.range(finding.byteRange, positions)),
            ("severity", .number(finding.level == .error ? 1 : finding.level == .warning ? 2 : 3)),
            ("code", .string(finding.ruleID)),
        ]
        if let link = ruleSet.rules[finding.ruleID].flatMap({ Self.firstLink(in: $0.source) }) {
            members.append(("codeDescription", ["href": .string(link)]))
        }
        members.append(("source", "policylint"))
        members.append(("message", .string(finding.message)))
        if !finding.related.isEmpty {
            members.append(("relatedInformation", .array(finding.related.map(relatedInformation))))
        }
        return .object(members)
    }

    private func relatedInformation(_ related: RelatedLocation) -> JSONValue {
        let path = ProjectPath.absolute(related.file, workingDirectory: root)
        let positions: TextPositions
        if let open = documents.values.first(where: { $0.path == path }) {
            positions = TextPositions(open.bytes)
        } else if let known = workspacePositions[path] {
            positions = known
        } else {
            // Kept: a rule of a large file may be named by findings on every edit.
            positions = TextPositions(workspace()[path] ?? [])
            workspacePositions[path] = positions
        }
        let start = positions.offset(line: related.start.line, codePointColumn: related.start.column)
        let end = positions.offset(line: related.end.line, codePointColumn: related.end.column)
        return [
            "location": ["uri": .string(Self.uri(ofPath: path)), "range": Self.range(start..<end, positions)],
            "message": .string(related.message),
        ]
    }

    private func hover(_ params: JSONValue) -> JSONValue {
        guard let uri = params["textDocument"]?["uri"]?.string, let document = documents[uri],
              let line = params["position"]?["line"]?.int, let character = params["position"]?["character"]?.int else { return .null }
        let positions = TextPositions(document.bytes)
        let offset = positions.offset(line: line, character: character)
        let linter = linter(for: document, configuration(for: document)?.loaded)
        guard let field = linter.describeField(file: name(of: document), bytes: document.bytes, at: offset) else { return .null }
        return ["contents": ["kind": "markdown", "value": .string(field.markdown)], "range": Self.range(field.byteRange, positions)]
    }

    /// The safe fixes of the findings in the range asked about, one quick fix each.
    private func codeActions(_ params: JSONValue) -> JSONValue {
        guard let uri = params["textDocument"]?["uri"]?.string, documents[uri] != nil,
              let start = params["range"]?["start"], let end = params["range"]?["end"] else { return [] }
        if !documents[uri]!.linted { lint(uri) }
        let document = documents[uri]!
        let positions = TextPositions(document.bytes)
        let from = positions.offset(line: start["line"]?.int ?? 0, character: start["character"]?.int ?? 0)
        let to = positions.offset(line: end["line"]?.int ?? 0, character: end["character"]?.int ?? 0)
        var actions: [JSONValue] = []
        for finding in document.findings {
            guard let fix = finding.fix else { continue }
            // Touching the range, an empty one (the cursor) at either end included.
            guard finding.byteRange.lowerBound <= to && from <= finding.byteRange.upperBound else { continue }
            let edit: JSONValue = ["range": Self.range(fix.edit.range, positions), "newText": .string(fix.edit.replacement)]
            actions.append([
                "title": .string("\(fix.description) (\(finding.ruleID))"),
                "kind": "quickfix",
                "diagnostics": [diagnostic(finding, positions)],
                "isPreferred": true,
                "edit": ["changes": .object([(key: uri, value: .array([edit]))])],
            ])
        }
        return .array(actions)
    }

    // MARK: the protocol's shapes

    static func range(_ bytes: Range<Int>, _ positions: TextPositions) -> JSONValue {
        let start = positions.position(of: bytes.lowerBound), end = positions.position(of: bytes.upperBound)
        return [
            "start": ["line": .number(Double(start.line)), "character": .number(Double(start.character))],
            "end": ["line": .number(Double(end.line)), "character": .number(Double(end.character))],
        ]
    }

    static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    static func error(id: JSONValue, code: Int, _ message: String) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .number(Double(code)), "message": .string(message)]]
    }

    static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": params]
    }

    /// The first http(s) link of a rule's source: where its limit or enum is written.
    static func firstLink(in source: String) -> String? {
        guard let start = source.firstRange(of: "https://") ?? source.firstRange(of: "http://") else { return nil }
        let link = source[start.lowerBound...].prefix { !$0.isWhitespace && !")]>,;\"'".contains($0) }
        return String(link.hasSuffix(".") ? link.dropLast() : link)
    }

    // MARK: file URIs (RFC 8089), percent-encoded as RFC 3986 says

    static func path(ofURI uri: String) -> String? {
        guard uri.hasPrefix("file://") else { return nil }
        var rest = uri.dropFirst(7)
        // file://host/path: only the local host's paths are files here.
        if !rest.hasPrefix("/") {
            guard let slash = rest.firstIndex(of: "/"), rest[..<slash] == "localhost" else { return nil }
            rest = rest[slash...]
        }
        var bytes: [UInt8] = []
        var utf8 = Array(rest.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func uri(ofPath path: String) -> String { uriReference(ProjectPath.absolute(path, workingDirectory: "/")) }

    /// The workspace the client names: its first folder, else its root URI or path.
    private func adoptWorkspace(_ params: JSONValue) {
        let uri = params["workspaceFolders"]?.array?.first?["uri"]?.string ?? params["rootUri"]?.string
        if let path = uri.flatMap(Self.path(ofURI:)) ?? params["rootPath"]?.string, !path.isEmpty {
            root = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            workspaceRoot = root
        }
    }
}
