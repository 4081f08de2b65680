/// memcached's exptime rules, turned into the absolute Unix seconds the store works with.
enum MemcachedExpiry {
    /// memcached's REALTIME_MAXDELTA: larger values are absolute Unix times.
    static let maxRelativeSeconds: Int64 = 60 * 60 * 24 * 30

    /// An absolute time that has always passed: "expired at once".
    static let alreadyExpired: Int64 = 1

    /// 0 → never (0); negative → expired at once; up to 30 days → relative to `now`; larger →
    /// absolute (a past one is expired at once).
    @inline(__always)
    static func absolute(_ exptime: Int64, now: Int64) -> Int64 {
        if exptime == 0 { return 0 }
        if exptime < 0 { return alreadyExpired }
        if exptime <= maxRelativeSeconds { return now + exptime }
        return exptime <= now ? alreadyExpired : exptime
    }

    /// What meta `t` and `me exp=` report: -1 for never, else seconds left.
    @inline(__always)
    static func secondsLeft(expiresAt: Int64, now: Int64) -> Int64 {
        expiresAt == 0 ? -1 : max(expiresAt - now, 0)
    }
}
