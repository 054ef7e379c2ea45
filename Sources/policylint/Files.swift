// Reading the inputs: files (large ones on every core), directories, standard input.
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import PolicyLint

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

/// Whether a directory walk lints a file of this name: JSON, or a Jinja2 template of JSON
/// (`policy.json.j2`, as Ansible roles name them). Any other `*.j2` may template anything
/// (nginx.conf.j2), so only one named on the command line is linted.
func isWalkedName(_ name: String) -> Bool {
    hasJSONExtension(name) || (name.utf8.count > 8 && name.suffix(8).lowercased() == ".json.j2")
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

/// An input: a file, or standard input for `-`.
@Sendable func readInput(_ path: String) -> Result<[UInt8], ReadError> {
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

/// The path with symbolic links and `.`/`..` resolved, or the path itself when it cannot be.
func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}
