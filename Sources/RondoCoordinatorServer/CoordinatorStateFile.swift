#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RondoCoordinator

/// `state-dir/coordinator.state`: read at start, replaced atomically on every `.persist`:
/// write a temp file in the same directory → fsync it → rename over the state file → fsync the
/// directory, so after a crash the file holds either the old or the new state, never a mix.
/// Blocking POSIX calls: run them on a thread pool, never on an event loop.
public struct CoordinatorStateFile: Sendable {
    public static let fileName = "coordinator.state"
    /// A state of 1024 members and 1M vnodes stays far below this.
    public static let bytesMax = 256 << 20

    public let directory: String
    public var path: String { directory + "/" + Self.fileName }
    private var temporaryPath: String { directory + "/." + Self.fileName + ".tmp" }

    public init(directory: String) {
        self.directory = directory
    }

    /// The persisted state, or nil when there is no file (a new cluster).
    public func load() throws(CoordinatorStateFileError) -> CoordinatorState? {
        guard let bytes = try readAll() else { return nil }
        do {
            return try CoordinatorState(decoding: bytes)
        } catch {
            throw .corrupt(path: path, error)
        }
    }

    public func write(_ bytes: [UInt8]) throws(CoordinatorStateFileError) {
        let temporary = temporaryPath
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: temporary, operation: "create", errno: errno) }
        do throws(CoordinatorStateFileError) {
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

    private func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(CoordinatorStateFileError) {
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

    private func syncDirectory() throws(CoordinatorStateFileError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: directory, operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: directory, operation: "fsync directory", errno: errno) }
    }

    private func readAll() throws(CoordinatorStateFileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= Self.bytesMax else { throw .tooLarge(path: path, bytes: bytes.count) }
        }
    }
}

/// `write(2)`; named apart from `CoordinatorStateFile.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}
