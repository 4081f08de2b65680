#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RondoNodeRuntime

/// The `exec` of an in-place restart: the process becomes `plan.executable`, keeping only the
/// standard streams and the listening socket it hands over.
enum ProcessReplacement {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether `path` is a file this process may execute: checked before the node starts
    /// draining, so that a missing binary leaves it serving.
    static func checkExecutable(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw Failure(description: "\(path) is not a regular file") }
        guard access(path, X_OK) == 0 else { throw Failure(description: "\(path) is not executable: \(String(cString: strerror(errno)))") }
    }

    /// Replaces the process; returns only when `exec` failed (the error says why).
    static func execute(_ plan: RestartPlan) -> Failure {
        // Every descriptor NIO, the logger or a library opened goes with the old process; only
        // the listening socket (and the standard streams) must reach the new one.
        closeOnExecEverythingBut(plan.listenDescriptor)
        guard fcntl(plan.listenDescriptor, F_SETFD, 0) == 0 else {
            return Failure(description: "fcntl(F_SETFD) on descriptor \(plan.listenDescriptor): \(String(cString: strerror(errno)))")
        }
        var argv: [UnsafeMutablePointer<CChar>?] = plan.arguments.map { strdup($0) }
        argv.append(nil)
        defer { for argument in argv { free(argument) } }
        execv(plan.executable, argv)
        return Failure(description: "exec \(plan.executable): \(String(cString: strerror(errno)))")
    }

    /// Sets close-on-exec on every open descriptor above the standard streams except `kept`.
    private static func closeOnExecEverythingBut(_ kept: CInt) {
        guard let directory = opendir("/proc/self/fd") else { return }
        var descriptors: [CInt] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if let descriptor = CInt(name), descriptor > 2, descriptor != kept { descriptors.append(descriptor) }
        }
        closedir(directory)
        for descriptor in descriptors {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
