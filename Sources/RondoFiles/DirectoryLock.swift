#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file in a directory, held while the process runs, so that two
/// processes never use the same data directory. The lock file records the holder's pid for the
/// error message. The descriptor is close-on-exec: an in-place restart's `exec` releases the lock
/// and the new image takes it again.
public final class DirectoryLock: Sendable {
    public let path: String
    private let fd: Int32

    /// Takes the lock or throws `.held` at once (never waits).
    public init(directory: String, fileName: String = "lock") throws(DirectoryLockError) {
        let path = directory + "/" + fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(AtomicFileError.io(path: path, operation: "open", errno: errno)) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.recordedPid(fd)
            close(fd)
            if code == EWOULDBLOCK { throw .held(path: path, holderPid: holder) }
            throw .io(AtomicFileError.io(path: path, operation: "flock", errno: code))
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
        }
        self.path = path
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    private static func recordedPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        return Int32(text.split(separator: "\n").first ?? "")
    }
}

/// Why `DirectoryLock` could not be taken.
public enum DirectoryLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds it.
    case held(path: String, holderPid: Int32?)
    case io(AtomicFileError)

    public var description: String {
        switch self {
        case .held(let path, let pid):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "\(path) is locked by \(holder): the directory is in use; give each process its own"
        case .io(let error):
            return error.description
        }
    }
}
