import Histogram

/// The percentiles every report shows, in microseconds. All zero when nothing was recorded.
public struct LatencySummary: Equatable, Sendable, Codable {
    public var p50: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64
    public var mean: Double

    public init(_ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else {
            self.init(p50: 0, p99: 0, p999: 0, max: 0, mean: 0)
            return
        }
        self.init(
            p50: histogram.valueAtPercentile(50),
            p99: histogram.valueAtPercentile(99),
            p999: histogram.valueAtPercentile(99.9),
            max: histogram.max,
            mean: histogram.mean
        )
    }

    public init(p50: UInt64, p99: UInt64, p999: UInt64, max: UInt64, mean: Double) {
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
    }
}
