#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that is only ever replaced whole: write a temp file in the same directory → fsync it →
/// rename over the file → fsync the directory, so after a crash the file holds either the old or
/// the new contents, never a mix. Reads are bounded by `bytesMax`.
///
/// Blocking POSIX calls: run them on a thread pool, never on an event loop.
public struct AtomicFile: Sendable {
    public let directory: String
    public let fileName: String
    /// A file larger than this is refused on read (and never written).
    public let bytesMax: Int

    public var path: String { directory + "/" + fileName }
    private var temporaryPath: String { directory + "/." + fileName + ".tmp" }

    public init(directory: String, fileName: String, bytesMax: Int) {
        precondition(!fileName.isEmpty && !fileName.contains("/") && bytesMax > 0)
        self.directory = directory
        self.fileName = fileName
        self.bytesMax = bytesMax
    }

    /// The whole file, or nil when there is none.
    public func read() throws(AtomicFileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= bytesMax else { throw .tooLarge(path: path, bytes: bytes.count, bytesMax: bytesMax) }
        }
    }

    /// Replaces the file with `bytes`, durably.
    public func write(_ bytes: [UInt8]) throws(AtomicFileError) {
        guard bytes.count <= bytesMax else { throw .tooLarge(path: path, bytes: bytes.count, bytesMax: bytesMax) }
        let temporary = temporaryPath
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: temporary, operation: "create", errno: errno) }
        do throws(AtomicFileError) {
            try writeAll(bytes, to: fd, path: temporary)
            guard fsync(fd) == 0 else { throw .io(path: temporary, operation: "fsync", errno: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else { throw .io(path: temporary, operation: "close", errno: errno) }
        guard rename(temporary, path) == 0 else { throw .io(path: path, operation: "rename onto", errno: errno) }
        try syncDirectory()
    }

    private func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(AtomicFileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            offset += written
        }
    }

    private func syncDirectory() throws(AtomicFileError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: directory, operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: directory, operation: "fsync directory", errno: errno) }
    }
}

/// `read(2)` and `write(2)`, named apart from `AtomicFile.read` and `AtomicFile.write`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}
