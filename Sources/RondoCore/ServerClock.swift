/// The time source of everything that expires or ages. Injected so that storage and protocol
/// semantics are tested deterministically; the executable uses `SystemClock`.
public protocol ServerClock: Sendable {
    /// Seconds since the Unix epoch. Expiry in memcached has one-second resolution.
    func nowSeconds() -> Int64
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time from the operating system.
public struct SystemClock: ServerClock {
    public init() {}

    public func nowSeconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec)
    }
}
