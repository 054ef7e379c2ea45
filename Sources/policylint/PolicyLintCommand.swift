// The policylint command: arguments → files → engine → report → exit code.
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import FoundationEssentials
import PolicyLint

/// One line: the message may quote input (a path, an argument), so it is escaped whole, line
/// breaks included.
func fail(_ message: String, code: Int32 = 2) -> Never {
    writeStandardError("policylint: \(terminalSafe(message))\n")
    exit(code)
}

func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBufferPointer { write(2, $0.baseAddress, $0.count) }
}

/// With POLICYLINT_PHASE_TIMES set, the end of each step of a lint run on standard error, as
/// seconds of the monotonic clock: where a run's time goes (policylint-bench prints it).
let phaseTimes: (@Sendable (String) -> Void)? = {
    guard getenv("POLICYLINT_PHASE_TIMES") != nil else { return nil }
    return { phase in
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        writeStandardError("policylint: phase \(phase) \(Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)\n")
    }
}()

/// Why a path could not be read: the operating system's reason (`strerror`), such as
/// "Permission denied" or "Is a directory", so a message says more than "cannot read".
struct ReadError: Error {
    var reason: String
    init(code: Int32) { reason = String(cString: strerror(code)) }
}

/// A whole file, read straight into the array the engine keeps: FileManager's Data and then a
/// copy into [UInt8] held the file twice (the peak memory of a large export) and copied it once
/// more. Throws the reason when the file cannot be opened or read (a directory, no permission).
func readFile(_ path: String) throws(ReadError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ReadError(code: errno) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw ReadError(code: errno) }
    guard info.st_mode & S_IFMT != S_IFDIR else { throw ReadError(code: EISDIR) }
    var failed: Int32 = 0
    /// Reads into `buffer` until it is full or the file ends; the count read.
    func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        while count < buffer.count {
            let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
            if n < 0 { if errno == EINTR { continue }; failed = errno; break }
            if n == 0 { break }
            count += n
        }
        return count
    }
    // The size and one byte more: a short read is the whole file (the usual case, one read).
    let capacity = max(Int(info.st_size), 0) + 1
    var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
        adviseHugePages(buffer.baseAddress, byteCount: capacity)
        // A large file is read in pieces on every core: most of a read's time is the kernel
        // giving the buffer its pages, which both cores can do at once. Any short piece (the
        // file changed meanwhile) and the file is read again from its start, in one go.
        if capacity >= 8 << 20, readInPieces(fd, UnsafeMutableBufferPointer(rebasing: buffer[0..<capacity - 1])) {
            count = capacity - 1
            var probe: UInt8 = 0
            if pread(fd, &probe, 1, off_t(count)) == 0 { return }
            lseek(fd, 0, SEEK_SET)
        }
        count = fill(buffer)
    }
    if failed != 0 { throw ReadError(code: failed) }
    if bytes.count < capacity { return bytes }
    // The file grew (or reports no size, like a pipe): read on in chunks.
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBufferPointer { fill($0) }
        if failed != 0 { throw ReadError(code: failed) }
        bytes.append(contentsOf: chunk[0..<n])
        if n < chunk.count { return bytes }
    }
}

/// The names in a directory (without `.` and `..`), or the reason it cannot be read.
func directoryEntries(_ path: String) throws(ReadError) -> [String] {
    guard let directory = opendir(path) else { throw ReadError(code: errno) }
    defer { closedir(directory) }
    var names: [String] = []
    errno = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    if errno != 0 { throw ReadError(code: errno) }
    return names
}

/// Whether a name found in a directory is a JSON file: `*.json` in any case (`EXPORT.JSON` is a
/// JSON file too; appliances and Windows tools write upper-case names).
func hasJSONExtension(_ name: String) -> Bool {
    name.utf8.count > 5 && name.suffix(5).lowercased() == ".json"
}

/// Fills `buffer` from the start of the file with one `pread` loop per core; false when any
/// piece comes up short.
func readInPieces(_ fd: Int32, _ buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
    let pieces = 4
    let shortPieces = Atomic<Int>(0)
    let target = UncheckedBuffer(buffer: buffer)
    DispatchQueue.concurrentPerform(iterations: pieces) { i in
        let range = target.buffer.count * i / pieces..<target.buffer.count * (i + 1) / pieces
        var at = range.lowerBound
        while at < range.upperBound {
            let n = pread(fd, target.buffer.baseAddress! + at, range.upperBound - at, off_t(at))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { shortPieces.add(1, ordering: .relaxed); return }
            at += n
        }
    }
    return shortPieces.load(ordering: .relaxed) == 0
}

/// The buffer the pieces of a read fill, each its own range.
struct UncheckedBuffer: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<UInt8> }

/// Progress on stderr for runs longer than a second, only on a terminal and never in CI.
final class RunProgress: Sendable {
    struct Counts { var files = 0; var bytes = 0; var done = false; var shown = false }
    let totalFiles: Int, totalBytes: Int
    let counts = Mutex(Counts())

    init?(files: Int, bytes: Int) {
        let env = ProcessInfo.processInfo.environment
        guard isatty(2) != 0, env["CI"] == nil, env["TERM"] != "dumb" else { return nil }
        totalFiles = files
        totalBytes = bytes
        tick(after: 1.0)
    }

    func advance(bytes: Int) { counts.withLock { $0.files += 1; $0.bytes += bytes } }

    func tick(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            let c = counts.withLock { c -> Counts in
                if !c.done { c.shown = true }
                return c
            }
            guard !c.done else { return }
            writeStandardError("\rpolicylint: \(c.files)/\(totalFiles) files, \(c.bytes >> 20)/\(totalBytes >> 20) MiB checked…")
            tick(after: 0.25)
        }
    }

    func finish() {
        let shown = counts.withLock { c -> Bool in c.done = true; return c.shown }
        if shown { writeStandardError("\r\u{1B}[K") }
    }
}

@main
struct PolicyLintCommand {
    static func main() {


        let arguments: Arguments
        do {
            arguments = try Arguments.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            // One line: a "\n" here was escaped with the rest and printed as a literal "\u{0A}".
            fail("\(error.message) (run 'policylint --help' for usage)")
        }
        if arguments.showHelp { print(Arguments.help); exit(0) }
        if arguments.showVersion { print("policylint \(policylintVersion)"); exit(0) }

        let ruleSet: RuleSet
        do {
            var packs = try RuleSet.builtInPacks()
            for directory in arguments.ruleDirectories {
                let names: [String]
                do { names = try directoryEntries(directory).filter { $0.hasSuffix(".json") }.sorted() } catch {
                    fail("cannot read the rule pack directory \(directory): \(error.reason)")
                }
                for name in names {
                    let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                    let bytes: [UInt8]
                    do { bytes = try readFile(path) } catch { fail("cannot read the rule pack \(path): \(error.reason)") }
                    packs.append(try RulePackLoader.load(file: path, bytes: bytes))
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
            // The parser accepts only the formats that write the rule list.
            print(arguments.format.ruleList(ruleSet) ?? "", terminator: "")
            exit(0)
        case .explain:
            guard let id = arguments.ruleID, let rule = ruleSet.rules[id] else {
                let hint = closestMatch(to: arguments.ruleID ?? "", in: ruleSet.ruleOrder).map { "; did you mean \($0)?" } ?? ""
                fail("no rule '\(arguments.ruleID ?? "")'\(hint)")
            }
            print(terminalSafeLines(RuleDocumentation.explain(rule)), terminator: "")
            exit(0)
        case .fix:
            exit(runFix(arguments, ruleSet: ruleSet))
        case .lint:
            break
        }

        // Collect the files: directories recurse into JSON files (hidden files and folders
        // skipped), symlink loops are visited once. `origin`: the named path a file was found
        // under, so that a named directory holding no JSON file is known.
        struct Input { var path: String; var explicit: Bool; var origin: Int }
        var unreadable: [String] = []
        // Each directory (by its real path) with the named path it was first walked under, and the
        // named paths whose walk met a directory another one had walked: they share its files.
        var visitedDirectories: [String: Int] = [:]
        var sharedDirectories: [Int: Set<Int>] = [:]
        var namedDirectories: Set<Int> = [], unreadableDirectories: Set<Int> = []
        func collect(_ path: String, explicit: Bool, origin: Int, into inputs: inout [Input]) {
            if path == "-" { inputs.append(Input(path: path, explicit: true, origin: origin)); return }
            var status = stat()
            guard stat(path, &status) == 0 else {
                let code = errno
                // Found inside a directory, a broken or looping symbolic link matters only if
                // it would have been linted: like any other entry, only a JSON one.
                if !explicit && !hasJSONExtension(path) { return }
                unreadable.append(path)
                var reason = code == ENOENT ? "no such file or directory" : String(cString: strerror(code))
                var link = stat()
                if lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK {
                    // ENOENT: it points at nothing; ELOOP: it points (in the end) at itself.
                    reason = "a symbolic link that leads nowhere (\(String(cString: strerror(code))))"
                }
                writeStandardError("policylint: \(terminalSafe(path)): \(reason)\n")
                return
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                if explicit || hasJSONExtension(path) { inputs.append(Input(path: path, explicit: explicit, origin: origin)) }
                return
            }
            if explicit { namedDirectories.insert(origin) }
            let real = realPath(path)
            if let first = visitedDirectories[real] {
                if first != origin { sharedDirectories[origin, default: []].insert(first) }
                return
            }
            visitedDirectories[real] = origin
            let entries: [String]
            do { entries = try directoryEntries(path) } catch {
                unreadable.append(path)
                if explicit { unreadableDirectories.insert(origin) }  // said here, not again as empty
                writeStandardError("policylint: \(terminalSafe(path)): cannot read the directory: \(error.reason)\n")
                return
            }
            for entry in entries.sorted() where !entry.hasPrefix(".") {
                collect(path.hasSuffix("/") ? path + entry : path + "/" + entry, explicit: false, origin: origin, into: &inputs)
            }
        }
        func realPath(_ path: String) -> String {
            guard let resolved = realpath(path, nil) else { return path }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var named: [Input] = []
        for (i, path) in arguments.paths.enumerated() {
            // policylint's own configuration is not an appliance's (a walk skips it as hidden).
            if path != "-" && path.split(separator: "/").last == Substring(Configuration.fileName) {
                writeStandardError("policylint: \(terminalSafe(path)): skipped: policylint's own configuration, not an appliance's\n")
                continue
            }
            collect(path, explicit: true, origin: i, into: &named)
        }
        // --context: walked like the inputs, read for the bundle only. A file that is also an
        // input is read once, as the input.
        var context: [Input] = []
        visitedDirectories = [:]
        for path in arguments.contextPaths {
            if path == "-" { fail("--context reads files and directories, not standard input ('-')") }
            collect(path, explicit: true, origin: -1, into: &context)
        }
        if !context.isEmpty {
            var seen = Set(named.filter { $0.path != "-" }.map { realPath($0.path) })
            context.removeAll { !seen.insert(realPath($0.path)).inserted }
        }

        /// Display name: the path as given, without a leading "./".
        func displayName(_ path: String) -> String {
            if path == "-" { return arguments.stdinFilename ?? "<stdin>" }
            return path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        }

        @Sendable func readAll(_ path: String) -> Result<[UInt8], ReadError> {
            if path == "-" {
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(0, &buffer, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { return .failure(ReadError(code: errno)) }
                    if n == 0 { break }
                    bytes.append(contentsOf: buffer[0..<n])
                }
                return .success(bytes)
            }
            return Result { () throws(ReadError) in try readFile(path) }
        }

        // The configuration: --config FILE, or the nearest .policylint.json upward from the
        // folder the linted paths share (else from the working directory). Globs and baseline
        // paths are relative to their file's folder, resolved like the working directory
        // (physical paths), so both sides compare.
        let workingDirectory = FileManager.default.currentDirectoryPath
        func realFolder(of path: String) -> String {
            realPath(ProjectPath.folder(of: ProjectPath.absolute(path, workingDirectory: workingDirectory)))
        }
        func isFile(_ path: String) -> Bool {
            var isDirectory = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory
        }
        func isDirectory(_ path: String) -> Bool {
            var isDirectory = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory
        }
        var configuration: Configuration?
        if let found = arguments.configFile.map({ (path: $0, shown: $0) })
            ?? Configuration.search(for: arguments.paths, workingDirectory: workingDirectory, isDirectory: isDirectory, exists: isFile) {
            let bytes: [UInt8]
            do { bytes = try readFile(found.path) } catch { fail("cannot read the configuration \(found.shown): \(error.reason)") }
            do {
                configuration = try Configuration.load(file: found.shown, folder: realFolder(of: found.path), bytes: bytes, ruleSet: ruleSet)
            } catch let error as ConfigurationError {
                fail("broken configuration: \(error.description)")
            } catch {
                fail("broken configuration: \(error)")
            }
        }

        var options = LintOptions(mode: arguments.mode, kind: arguments.kind, tlsProfile: arguments.tlsProfile)
        options.strictReferences = arguments.strictReferences
        if let kind = arguments.kind, ruleSet.types[kind] == nil {
            let hint = closestMatch(to: kind, in: ruleSet.kindNames).map { "; did you mean '\($0)'?" } ?? ""
            fail("unknown kind '\(kind)' (known: \(ruleSet.kindNames.joined(separator: ", ")))\(hint)")
        }
        if let configuration {
            // The command line wins: --kind names every file's kind, --tls-profile the profile.
            let files = (named + context).map { displayName($0.path) }
            configuration.configure(&options, files: arguments.kind == nil ? files : [], workingDirectory: workingDirectory)
            if arguments.given.contains("--tls-profile") { options.tlsProfile = arguments.tlsProfile }
        }
        options.phaseObserver = phaseTimes
        options.freesDocuments = false  // the process ends after this run
        let linter = Linter(ruleSet: ruleSet, options: options)

        // Read on every core; results keep the input order.
        phaseTimes?("set-up")
        let all = named + context
        let contents = ParallelMap.map(all.map(\.path), readAll)
        phaseTimes?("read")
        var readable: [(name: String, bytes: [UInt8])] = []
        var readableContext: [(name: String, bytes: [UInt8])] = []
        var walked: Set<String> = []
        var foundUnder: Set<Int> = []
        for (i, input) in all.enumerated() {
            let bytes: [UInt8]
            switch contents[i] {
            case .failure(let error):
                unreadable.append(input.path)
                if i < named.count { foundUnder.insert(input.origin) }
                writeStandardError("policylint: \(terminalSafe(input.path)): cannot read the file: \(error.reason)\n")
                continue
            case .success(let read): bytes = read
            }
            // A baseline is policylint's own file, not an appliance's, wherever it is found.
            if input.path != "-" && Baseline.recognizes(bytes) {
                if input.explicit && i < named.count {
                    writeStandardError("policylint: \(terminalSafe(input.path)): skipped: a policylint baseline, not an appliance's configuration\n")
                }
                continue
            }
            if i < named.count {
                readable.append((displayName(input.path), bytes))
                foundUnder.insert(input.origin)
                if !input.explicit { walked.insert(displayName(input.path)) }
            } else {
                readableContext.append((displayName(input.path), bytes))
            }
        }
        // No input, no green: a named directory without a JSON file to check is a mistake (a
        // wrong folder, a typo), not a clean run.
        let empty = arguments.paths.indices.filter { i in
            namedDirectories.contains(i) && !unreadableDirectories.contains(i) && !foundUnder.contains(i)
                && !(sharedDirectories[i] ?? []).contains(where: foundUnder.contains)
        }
        if !empty.isEmpty {
            var listed: Set<String> = []
            let list = empty.map { arguments.paths[$0] }.filter { listed.insert($0).inserted }.map(terminalSafe).joined(separator: ", ")
            writeStandardError("policylint: no JSON file to check in \(list) (directories are searched for *.json files; hidden files and folders are skipped)\n")
            if readable.isEmpty { exit(2) }
            unreadable.append(contentsOf: empty.map { arguments.paths[$0] })
        }

        let progress = RunProgress(files: readable.count + readableContext.count,
                                   bytes: (readable + readableContext).reduce(0) { $0 + $1.bytes.count })
        var onFileChecked: (@Sendable (Int) -> Void)?
        if let progress { onFileChecked = { bytes in progress.advance(bytes: bytes) } }
        var reports = linter.lint(bundle: readable, context: readableContext, progress: onFileChecked)
        progress?.finish()
        // From the linted files alone (the configuration's own report, an expired ignore, is not
        // a file that was meant to be checked), skipped ones included: a folder of package.json
        // files checked nothing.
        let runFindings = linter.runFindings(reports)
        // A file found by walking a directory that holds no NSX or SPS object at all (a
        // package.json) is not a finding: it is listed as skipped. A file named on the command
        // line keeps its discovery/unknown-document note: it was meant to be checked. A file
        // with a syntax error stays: it may be a broken config.
        var skipped: [String] = []
        reports.removeAll { report in
            guard report.holdsNoObject, walked.contains(report.file), !report.findings.contains(where: { $0.ruleID.hasPrefix("json/") }) else { return false }
            skipped.append(report.file)
            return true
        }
        if let configuration {
            reports = configuration.suppress(reports, workingDirectory: workingDirectory, today: localToday(), linter: linter)
        }

        // The baseline: findings it holds are left out; with --write-baseline, the current
        // findings become the baseline (and so none of them is reported).
        var baselined = 0
        var goneFromBaseline: [Baseline.Entry] = []
        if let path = arguments.baseline {
            let bytes: [UInt8]
            do { bytes = try readFile(path) } catch { fail("cannot read the baseline \(path): \(error.reason)") }
            let baseline: Baseline
            do { baseline = try Baseline.load(file: path, bytes: bytes) } catch let error as ConfigurationError {
                fail("broken baseline: \(error.description)")
            } catch {
                fail("broken baseline: \(error)")
            }
            let applied = baseline.apply(to: reports, folder: realFolder(of: path), workingDirectory: workingDirectory)
            goneFromBaseline = applied.gone
            if arguments.writeBaseline == nil { reports = applied.reports; baselined = applied.baselined }
        }
        if let path = arguments.writeBaseline {
            let folder = realFolder(of: path)
            let baseline = Baseline(reports: reports, folder: folder, workingDirectory: workingDirectory)
            do { try writeFileAtomically(path, Array(baseline.render().utf8)) } catch { fail("cannot write the baseline \(path): \(error.reason)") }
            let n = baseline.entries.count
            writeStandardError("policylint: wrote \(n) finding\(n == 1 ? "" : "s") to the baseline \(terminalSafe(path))\n")
            let applied = baseline.apply(to: reports, folder: folder, workingDirectory: workingDirectory)
            reports = applied.reports
            baselined = applied.baselined
        }

        var run = RunResult(files: reports, ruleSet: ruleSet, toolVersion: policylintVersion, runFindings: runFindings)
        run.baselinedCount = baselined
        run.skippedFiles = skipped

        func cwdURI() -> String {
            uriEncodedDirectory(FileManager.default.currentDirectoryPath)
        }

        /// The report in `format` (the parser accepts only formats that write a run); colour
        /// only on a terminal that shows it.
        func render(_ format: ReportFormat, toTerminal: Bool) -> String {
            let env = ProcessInfo.processInfo.environment
            var options = ReportOptions()
            options.color = toTerminal && isatty(1) != 0 && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
            options.showSuppressed = arguments.showSuppressed
            options.omitSuppressed = arguments.omitSuppressed
            options.sarifMaxResults = arguments.sarifMaxResults == 0 ? nil : arguments.sarifMaxResults
            options.baseURI = cwdURI()
            options.failLevel = arguments.failLevel
            return format.reporter(options)?.render(run) ?? ""
        }

        func write(_ text: String, to path: String, what: String) {
            do { try writeFileAtomically(path, Array(text.utf8)) } catch { fail("cannot write \(what) to \(path): \(error.reason)") }
        }

        phaseTimes?("suppress")
        if let output = arguments.output {
            write(render(arguments.format, toTerminal: false), to: output, what: "the report")
        } else {
            print(render(arguments.format, toTerminal: true), terminator: "")
        }
        if let sarif = arguments.sarifOutput { write(render(.sarif, toTerminal: false), to: sarif, what: "SARIF") }

        if arguments.baselineStrict && !goneFromBaseline.isEmpty {
            let n = goneFromBaseline.count
            var message = "policylint: --baseline-strict: \(n) finding\(n == 1 ? "" : "s") of the baseline \(n == 1 ? "is" : "are") gone (fixed, or changed so \(n == 1 ? "it no longer matches" : "they no longer match")); "
            message += "write it anew with --write-baseline \(terminalSafe(arguments.baseline ?? "FILE")) so that it only shrinks:\n"
            for e in goneFromBaseline { message += "  \(terminalSafe(e.file)) [\(e.rule)] \(terminalSafe(e.pointer.isEmpty ? "(document)" : e.pointer))\n" }
            writeStandardError(message)
        }

        phaseTimes?("report")
        if !unreadable.isEmpty { exit(2) }
        // Suppressed findings never fail a run; that is what an ignore is for.
        let failing = run.hasUnsuppressedFinding(where: arguments.fails(on:))
        exit(failing || (arguments.baselineStrict && !goneFromBaseline.isEmpty) ? 1 : 0)

    }
}

/// Today in the local time zone: an ignore that `expires` on a day works until that day ends
/// where its author is.
func localToday() -> CalendarDate {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    return CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
}

/// `policylint fix`: without --in-place it lists what it would change (never the file's
/// content, which may hold secrets); with it, it writes each file atomically.
func runFix(_ arguments: Arguments, ruleSet: RuleSet) -> Int32 {
    let fixer = Fixer(ruleSet: ruleSet, options: LintOptions(kind: arguments.kind, tlsProfile: arguments.tlsProfile))
    var status: Int32 = 0
    for path in arguments.paths {
        let bytes: [UInt8]
        do { bytes = try readFile(path) } catch {
            // A directory is named by its reason too: fix changes files, one by one, as named.
            writeStandardError("policylint: \(terminalSafe(path)): cannot read the file: \(error.reason)\n")
            status = 2
            continue
        }
        let shown = terminalSafe(path)
        switch fixer.fix(file: path, bytes: bytes) {
        case .unchanged:
            print("\(shown): nothing to fix")
        case .refused(let reason):
            print("\(shown): not fixed: \(reason)")
            status = max(status, 1)
        case .fixed(let bytes, let fixes):
            for fix in fixes { print("\(shown):\(terminalSafe(fix))") }
            if arguments.inPlace {
                do { try writeFileAtomically(path, bytes) } catch {
                    writeStandardError("policylint: cannot write \(shown): \(error.reason)\n")
                    status = 2
                    continue
                }
                print("\(shown): \(fixes.count) fix\(fixes.count == 1 ? "" : "es") applied")
            } else {
                print("\(shown): \(fixes.count) fix\(fixes.count == 1 ? "" : "es") available; run with --in-place to apply")
            }
        }
    }
    return status
}
