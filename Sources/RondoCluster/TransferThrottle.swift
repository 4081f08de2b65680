import RondoCore

/// A token bucket over transfer bytes for one node (`transferBytesPerSecond`), shared by all of
/// its outgoing transfers and driven by the caller's clock. A batch may be sent while the bucket
/// is not in debt; sending takes its bytes, possibly into debt, and the next batch waits until the
/// refill pays it back. So the long-run rate never exceeds the limit, and a batch larger than the
/// burst still goes (it only delays the following ones).
public struct TransferThrottle: Sendable {
    public static let bytesPerSecondMax = 1 << 40

    public private(set) var bytesPerSecond: Int
    private let configuredBurstBytes: Int
    private var tokens: Double
    private var refilledAt: ClusterInstant

    /// The burst never holds less than this much of the rate. The node pumps transfers once per
    /// 10 ms tick and a batch may go only while the bucket is out of debt, so with a burst below one
    /// tick's worth of the rate every copy was held to one batch per tick, whatever its rate
    /// (≈ 25 MB/s with 256 KiB batches, 3 MB/s with 32 KiB ones).
    public static let burstMillisecondsMin = 20

    public init(bytesPerSecond: Int, burstBytes: Int, now: ClusterInstant) {
        precondition(bytesPerSecond >= 1 && bytesPerSecond <= Self.bytesPerSecondMax && burstBytes >= 1)
        self.bytesPerSecond = bytesPerSecond
        self.configuredBurstBytes = burstBytes
        self.tokens = Double(Self.burst(configured: burstBytes, bytesPerSecond: bytesPerSecond))
        self.refilledAt = now
    }

    /// Tokens saved while idle, at most: the configured burst, or `burstMillisecondsMin` of the
    /// rate when that is more.
    public var burstBytes: Int { Self.burst(configured: configuredBurstBytes, bytesPerSecond: bytesPerSecond) }

    private static func burst(configured: Int, bytesPerSecond: Int) -> Int {
        max(configured, bytesPerSecond / 1000 * burstMillisecondsMin)
    }

    /// Takes effect at once; tokens saved so far are kept within the new burst.
    public mutating func setBytesPerSecond(_ rate: Int, now: ClusterInstant) {
        precondition(rate >= 1 && rate <= Self.bytesPerSecondMax)
        refill(now: now)
        bytesPerSecond = rate
        tokens = min(tokens, Double(burstBytes))
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
