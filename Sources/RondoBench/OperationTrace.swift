/// One measured operation of a verifying run as `--trace` writes it: when it was meant to be sent,
/// how long it took to its final reply, which worker sent it where, and how it ended. Kept in
/// memory until the run ends (bounded by `BenchConfiguration.Limits.traceOperationsMax`), so a
/// script can compute exact percentiles over any window and find the slow requests behind a bad
/// second of the timeline.
public struct OperationTrace: Equatable, Sendable {
    public enum Outcome: UInt8, Sendable {
        case succeeded
        /// Failed on its retry too: a client error.
        case failed
    }

    /// `NIODeadline.uptimeNanoseconds` of the intended send (the schedule's time, not the actual
    /// send, so a late send counts against the latency as in the timeline).
    public var intendedSendUptimeNanoseconds: UInt64
    public var latencyMicroseconds: UInt32
    public var kind: BenchOperation.Kind
    public var outcome: Outcome
    /// 1 for the first try, 2 when it was retried.
    public var attempts: UInt8
    /// Index into `--servers` of the final attempt.
    public var serverIndex: UInt16
    public var workerIndex: UInt32

    public init(
        intendedSendUptimeNanoseconds: UInt64, latencyMicroseconds: UInt32, kind: BenchOperation.Kind,
        outcome: Outcome, attempts: UInt8, serverIndex: UInt16, workerIndex: UInt32
    ) {
        self.intendedSendUptimeNanoseconds = intendedSendUptimeNanoseconds
        self.latencyMicroseconds = latencyMicroseconds
        self.kind = kind
        self.outcome = outcome
        self.attempts = attempts
        self.serverIndex = serverIndex
        self.workerIndex = workerIndex
    }

    /// The CSV header of `csvLine`.
    public static let csvHeader = "unix_seconds,latency_us,op,outcome,attempts,server,worker"

    /// One CSV line; `unixSecondsAtUptimeZero` maps the uptime clock onto the wall clock.
    public func csvLine(unixSecondsAtUptimeZero: Double) -> String {
        let unix = unixSecondsAtUptimeZero + Double(intendedSendUptimeNanoseconds) / 1e9
        let op = kind == .get ? "get" : "set"
        let ended = outcome == .succeeded ? "ok" : "client_error"
        let seconds = unix.formatted6
        return "\(seconds),\(latencyMicroseconds),\(op),\(ended),\(attempts),\(serverIndex),\(workerIndex)"
    }
}

extension Double {
    /// Six decimals without Foundation's locale-dependent formatting.
    fileprivate var formatted6: String {
        let micros = (self * 1_000_000).rounded()
        let whole = Int64(micros / 1_000_000)
        let fraction = Int64(micros) - whole * 1_000_000
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 6 - digits.count))\(digits)"
    }
}
