#if canImport(Glibc)
import Glibc
#endif

/// Writes a file through a temporary file renamed over the target, so a reader never sees half
/// a report and a crash never leaves a truncated file.
public func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws {
    let temporary = path + ".policylint-\(getpid()).tmp"
    guard let file = fopen(temporary, "wb") else { throw WriteError(path: path) }
    let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
        unlink(temporary)
        throw WriteError(path: path)
    }
}

public struct WriteError: Error { public var path: String }

/// `file:///dir/` for a directory path, percent-encoded.
public func uriEncodedDirectory(_ path: String) -> String {
    let encoded = uriReference(path.hasSuffix("/") ? path : path + "/")
    return encoded.hasPrefix("file://") ? encoded : "file:///" + encoded
}
