import RondoCoordinator
import RondoFiles

/// Why the coordinator's state file could not be read or written. A corrupt file stops the
/// coordinator: starting empty would forget the cluster's membership and tables.
public enum CoordinatorStateFileError: Error, Sendable, CustomStringConvertible {
    case corrupt(path: String, CoordinatorStateDecodeError)
    case io(path: String, operation: String, errno: Int32)
    case tooLarge(path: String, bytes: Int)

    init(_ error: AtomicFileError) {
        switch error {
        case .io(let path, let operation, let code): self = .io(path: path, operation: operation, errno: code)
        case .tooLarge(let path, let bytes, _): self = .tooLarge(path: path, bytes: bytes)
        }
    }

    public var description: String {
        switch self {
        case .corrupt(let path, let error):
            return "the coordinator state file \(path) is corrupt (\(error)); refusing to start. Restore it from a backup or move it away to start a new cluster"
        case .io(let path, let operation, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .tooLarge(let path, let bytes):
            return "the coordinator state file \(path) is \(bytes) bytes, more than a state may be"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
