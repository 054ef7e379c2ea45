// The policylint command: arguments → files → engine → report → exit code.
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import FoundationEssentials
import PolicyLint

func fail(_ message: String, code: Int32 = 2) -> Never {
    writeStandardError("policylint: \(terminalSafe(message))\n")
    exit(code)
}

func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBufferPointer { write(2, $0.baseAddress, $0.count) }
}

/// Reads files on every core; nil for a file that cannot be read.
enum ParallelRead {
    static func read(_ paths: [String], _ reader: @escaping @Sendable (String) -> [UInt8]?) -> [[UInt8]?] {
        let slots = Mutex<[[UInt8]?]>(Array(repeating: nil, count: paths.count))
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            let bytes = reader(paths[i])
            slots.withLock { $0[i] = bytes }
        }
        return slots.withLock { $0 }
    }
}

@main
struct PolicyLintCommand {
    static func main() {


        let arguments: Arguments
        do {
            arguments = try Arguments.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            fail("\(error.message)\nRun 'policylint --help' for usage.")
        }
        if arguments.showHelp { print(Arguments.help); exit(0) }
        if arguments.showVersion { print("policylint \(policylintVersion)"); exit(0) }

        let ruleSet: RuleSet
        do {
            var packs = try RuleSet.builtInPacks()
            for directory in arguments.ruleDirectories {
                let names: [String]
                do { names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted() } catch {
                    fail("cannot read rule pack directory \(directory)")
                }
                for name in names {
                    let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read rule pack \(path)") }
                    packs.append(try RulePackLoader.load(file: path, bytes: [UInt8](data)))
                }
            }
            ruleSet = try RuleSet(packs: packs)
        } catch let error as ConfigurationError {
            fail("broken rule pack: \(error.description)")
        } catch {
            fail("broken rule pack: \(error)")
        }

        switch arguments.command {
        case .rules:
            switch arguments.format {
            case .json:
                print(RuleCatalogue.json(ruleSet), terminator: "")
            case .markdown:
                print(RuleDocumentation.catalogue(ruleSet), terminator: "")
            default:
                for id in ruleSet.ruleOrder { if let rule = ruleSet.rules[id] { print("\(id)  \(rule.level.rawValue)  \(rule.summary)") } }
            }
            exit(0)
        case .explain:
            guard let id = arguments.ruleID, let rule = ruleSet.rules[id] else {
                let hint = closestMatch(to: arguments.ruleID ?? "", in: ruleSet.ruleOrder).map { "; did you mean \($0)?" } ?? ""
                fail("no rule '\(arguments.ruleID ?? "")'\(hint)")
            }
            print(RuleDocumentation.explain(rule), terminator: "")
            exit(0)
        case .lint:
            break
        }

        // Collect the files: directories recurse into *.json (hidden folders skipped), symlink loops
        // are visited once.
        var inputs: [String] = []
        var unreadable: [String] = []
        var visitedDirectories: Set<String> = []
        func collect(_ path: String, explicit: Bool) {
            if path == "-" { inputs.append(path); return }
            var isDirectory: Bool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                unreadable.append(path)
                writeStandardError("policylint: \(terminalSafe(path)): no such file or directory\n")
                return
            }
            guard isDirectory else {
                if explicit || path.hasSuffix(".json") { inputs.append(path) }
                return
            }
            let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { _ in realPath(path) } ?? realPath(path)
            guard visitedDirectories.insert(resolved).inserted else { return }
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                unreadable.append(path)
                writeStandardError("policylint: \(terminalSafe(path)): cannot read the directory\n")
                return
            }
            for entry in entries.sorted() where !entry.hasPrefix(".") {
                collect(path.hasSuffix("/") ? path + entry : path + "/" + entry, explicit: false)
            }
        }
        func realPath(_ path: String) -> String {
            guard let resolved = realpath(path, nil) else { return path }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        for path in arguments.paths { collect(path, explicit: true) }

        /// Display name: the path as given, without a leading "./".
        func displayName(_ path: String) -> String {
            if path == "-" { return arguments.stdinFilename ?? "<stdin>" }
            return path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        }

        @Sendable func readAll(_ path: String) -> [UInt8]? {
            if path == "-" {
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(0, &buffer, buffer.count)
                    if n <= 0 { break }
                    bytes.append(contentsOf: buffer[0..<n])
                }
                return bytes
            }
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return [UInt8](data)
        }

        var options = LintOptions(mode: arguments.mode, kind: arguments.kind, tlsProfile: arguments.tlsProfile)
        options.strictReferences = arguments.strictReferences
        if let kind = arguments.kind, ruleSet.types[kind] == nil {
            let kinds = ruleSet.types.keys.filter { $0.hasPrefix("sps.") }.sorted()
            fail("unknown kind '\(kind)' (known: \(kinds.joined(separator: ", ")))")
        }
        let linter = Linter(ruleSet: ruleSet, options: options)

        // Lint on every core; results keep the input order.
        let paths = inputs
        let names = paths.map(displayName)
        let contents = ParallelRead.read(paths, readAll)
        var readable: [(name: String, bytes: [UInt8])] = []
        for (i, bytes) in contents.enumerated() {
            if let bytes { readable.append((names[i], bytes)) } else {
                unreadable.append(paths[i])
                writeStandardError("policylint: \(terminalSafe(paths[i])): cannot read the file\n")
            }
        }
        let reports = linter.lint(bundle: readable)
        let run = RunResult(files: reports, ruleSet: ruleSet, toolVersion: policylintVersion)

        func cwdURI() -> String {
            uriEncodedDirectory(FileManager.default.currentDirectoryPath)
        }

        func render(_ format: Arguments.Format, toTerminal: Bool) -> String {
            switch format {
            case .text:
                let env = ProcessInfo.processInfo.environment
                let color = toTerminal && isatty(1) != 0 && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
                return TextReporter(color: color).render(run)
            case .sarif: return SarifReporter(baseURI: cwdURI()).render(run)
            case .json: return JSONReporter().render(run)
            case .markdown: return ""  // the argument parser allows markdown only for `rules`
            }
        }

        func write(_ text: String, to path: String) {
            do { try writeFileAtomically(path, Array(text.utf8)) } catch { fail("cannot write \(path)") }
        }

        if let output = arguments.output {
            write(render(arguments.format, toTerminal: false), to: output)
        } else {
            print(render(arguments.format, toTerminal: true), terminator: "")
        }
        if let sarif = arguments.sarifOutput { write(render(.sarif, toTerminal: false), to: sarif) }

        if !unreadable.isEmpty { exit(2) }
        exit(run.findings.contains { arguments.fails(on: $0.level) } ? 1 : 0)

    }
}
