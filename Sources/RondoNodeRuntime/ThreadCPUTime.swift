#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time the calling thread has used. Beside a wall-clock span it tells work from waiting: on a
/// loaded host a step that takes 1 ms of CPU can hold its loop for 30 ms while the thread waits
/// for a core, and the cure differs.
enum ThreadCPUTime {
    static func nowMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
