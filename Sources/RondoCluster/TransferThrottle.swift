import RondoCore

/// A token bucket over transfer bytes for one node (`transferBytesPerSecond`), shared by all of
/// its outgoing transfers and driven by the caller's clock. A batch may be sent while the bucket
/// is not in debt; sending takes its bytes, possibly into debt, and the next batch waits until the
/// refill pays it back. So the long-run rate never exceeds the limit, and a batch larger than the
/// burst still goes (it only delays the following ones).
public struct TransferThrottle: Sendable {
    public static let bytesPerSecondMax = 1 << 40

    public private(set) var bytesPerSecond: Int
    /// Tokens saved while idle, at most: one second's worth, at least one batch.
    public private(set) var burstBytes: Int
    private var tokens: Double
    private var refilledAt: ClusterInstant

    public init(bytesPerSecond: Int, burstBytes: Int, now: ClusterInstant) {
        precondition(bytesPerSecond >= 1 && bytesPerSecond <= Self.bytesPerSecondMax && burstBytes >= 1)
        self.bytesPerSecond = bytesPerSecond
        self.burstBytes = burstBytes
        self.tokens = Double(burstBytes)
        self.refilledAt = now
    }

    /// Takes effect at once; tokens saved so far are kept within the new burst.
    public mutating func setBytesPerSecond(_ rate: Int, now: ClusterInstant) {
        precondition(rate >= 1 && rate <= Self.bytesPerSecondMax)
        refill(now: now)
        bytesPerSecond = rate
    }

    /// When the next batch may go: `now` or later.
    public mutating func sendableAt(now: ClusterInstant) -> ClusterInstant {
        refill(now: now)
        guard tokens < 0 else { return now }
        let waitMilliseconds = (-tokens * 1000 / Double(bytesPerSecond)).rounded(.up)
        return now.adding(milliseconds: Int64(waitMilliseconds))
    }

    public mutating func consume(bytes: Int, now: ClusterInstant) {
        refill(now: now)
        tokens -= Double(bytes)
    }

    private mutating func refill(now: ClusterInstant) {
        guard now > refilledAt else { return }
        let elapsedMilliseconds = Double(now.milliseconds - refilledAt.milliseconds)
        tokens = min(Double(burstBytes), tokens + elapsedMilliseconds * Double(bytesPerSecond) / 1000)
        refilledAt = now
    }
}
