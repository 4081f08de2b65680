#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file of Rondo's own (state files, locks) could not be read, written or locked.
public enum AtomicFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case io(path: String, operation: String, errno: Int32)
    case tooLarge(path: String, bytes: Int, bytesMax: Int)

    public var description: String {
        switch self {
        case .io(let path, let operation, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .tooLarge(let path, let bytes, let bytesMax):
            return "\(path) is \(bytes) bytes or more, over its limit of \(bytesMax)"
        }
    }
}
