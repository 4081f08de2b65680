#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Messages for the operator on stderr (stdout carries the command's output, e.g. JSON).
enum FileHandleOutput {
    static func standardError(_ line: String) {
        let text = line + "\n"
        _ = text.utf8CString.withUnsafeBufferPointer { buffer in
            write(STDERR_FILENO, buffer.baseAddress!, buffer.count - 1)
        }
    }
}
