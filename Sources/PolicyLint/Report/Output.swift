#if canImport(Glibc)
import Glibc
#endif

/// Writes a file through a temporary file renamed over the target, so a reader never sees half
/// a report and a crash never leaves a truncated file.
public func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(WriteError) {
    let temporary = path + ".policylint-\(getpid()).tmp"
    guard let file = fopen(temporary, "wb") else { throw WriteError(path: path, code: errno) }
    let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    let writeCode = errno
    let closed = fclose(file)
    let closeCode = errno
    guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
        let code = written != bytes.count ? writeCode : closed != 0 ? closeCode : errno
        unlink(temporary)
        throw WriteError(path: path, code: code)
    }
}

/// A file that could not be written, and the operating system's reason ("Permission denied").
public struct WriteError: Error {
    public var path: String
    public var reason: String
    init(path: String, code: Int32) { self.path = path; self.reason = String(cString: strerror(code)) }
}

/// `file:///dir/` for a directory path, percent-encoded.
public func uriEncodedDirectory(_ path: String) -> String {
    let encoded = uriReference(path.hasSuffix("/") ? path : path + "/")
    return encoded.hasPrefix("file://") ? encoded : "file:///" + encoded
}
