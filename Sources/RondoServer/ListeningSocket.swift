#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The client listener's socket as a plain descriptor, so that a node can hand it to the process
/// that replaces it (an in-place restart re-executes the binary and the new process adopts the
/// socket): clients that connect meanwhile wait in the kernel's backlog instead of being refused.
/// `NodeServer` opens (or adopts) it here and gives it to NIO with `withBoundSocket`.
public enum ListeningSocket {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A new TCP socket bound to `host:port` and listening; close-on-exec like every other
    /// descriptor of the process (only a restart hands one over, on purpose).
    public static func open(host: String, port: Int, backlog: Int) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family: CInt
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        default: throw Failure(description: "\(host) is not an IP address")
        }
        let descriptor = socket(family, socketStreamType | socketCloseOnExec, 0)
        guard descriptor >= 0 else { throw failure("socket") }
        var one: CInt = 1
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            let error = failure("setsockopt(SO_REUSEADDR)")
            close(descriptor)
            throw error
        }
        let bound = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
        guard bound == 0 else {
            let error = failure("bind \(host):\(port)")
            close(descriptor)
            throw error
        }
        guard listen(descriptor, CInt(clamping: backlog)) == 0 else {
            let error = failure("listen")
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Checks that an inherited descriptor is a listening TCP socket on `port` (0: any port), and
    /// makes it close-on-exec again (the process that handed it over cleared that flag).
    public static func adopt(_ descriptor: CInt, port: Int) throws {
        guard descriptor > 2 else { throw Failure(description: "descriptor \(descriptor) is a standard stream, not a socket") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("descriptor \(descriptor)") }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw Failure(description: "descriptor \(descriptor) is not a socket") }
        guard integerOption(descriptor, SO_TYPE) == socketStreamType else {
            throw Failure(description: "descriptor \(descriptor) is not a stream socket")
        }
        guard integerOption(descriptor, SO_ACCEPTCONN) == 1 else {
            throw Failure(description: "descriptor \(descriptor) is not listening")
        }
        guard let address = try? SocketAddress(localAddressOf: descriptor), let boundPort = address.port else {
            throw Failure(description: "descriptor \(descriptor) is not a TCP/IP socket")
        }
        guard port == 0 || boundPort == port else {
            throw Failure(description: "descriptor \(descriptor) listens on port \(boundPort), not \(port)")
        }
        guard fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else { throw failure("fcntl(F_SETFD)") }
    }

    /// A second descriptor of the same listening socket that survives `exec` (close-on-exec off).
    /// The socket keeps listening as long as one descriptor of it is open, so the server may
    /// close its own (stop accepting) while connections keep queueing for the next process.
    public static func duplicateForExec(_ descriptor: CInt) throws -> CInt {
        let copy = dup(descriptor)
        guard copy >= 0 else { throw failure("dup") }
        return copy
    }

    private static var socketStreamType: CInt {
        #if canImport(Glibc)
        CInt(SOCK_STREAM.rawValue)
        #else
        SOCK_STREAM
        #endif
    }

    private static var socketCloseOnExec: CInt {
        #if canImport(Glibc)
        CInt(SOCK_CLOEXEC.rawValue)
        #elseif canImport(Musl)
        SOCK_CLOEXEC
        #else
        0
        #endif
    }

    private static func integerOption(_ descriptor: CInt, _ option: CInt) -> CInt? {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(descriptor, SOL_SOCKET, option, &value, &length) == 0 else { return nil }
        return value
    }

    private static func failure(_ operation: String) -> Failure {
        Failure(description: "\(operation): \(String(cString: strerror(errno)))")
    }
}

extension SocketAddress {
    /// The local address of a socket descriptor (getsockname).
    fileprivate init(localAddressOf descriptor: CInt) throws {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw ListeningSocket.Failure(description: "getsockname: \(String(cString: strerror(errno)))") }
        switch CInt(storage.ss_family) {
        case AF_INET:
            let v4 = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            self.init(v4, host: "")
        case AF_INET6:
            let v6 = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            self.init(v6, host: "")
        default:
            throw ListeningSocket.Failure(description: "not an IP socket")
        }
    }
}
