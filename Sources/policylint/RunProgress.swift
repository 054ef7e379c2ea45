#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import FoundationEssentials

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
