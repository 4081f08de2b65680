/// What `--json` writes: how the run was set up, the summary, and the per-second timeline.
public struct BenchReport: Sendable, Codable {
    public struct Setup: Sendable, Codable {
        public var servers: [String]
        public var connections: Int
        public var pipeline: Int
        public var durationSeconds: Double
        public var warmupSeconds: Double
        public var getRatio: Double
        public var keys: Int
        public var keyDistribution: String
        public var seed: UInt64
        public var valueSizeBytes: Int
        /// nil for a closed-loop run.
        public var rateOpsPerSecond: Double?
        public var prefill: Bool
        public var timeoutMilliseconds: Int
        public var threads: Int
        public var routingAware: Bool
        public var verify: Bool

        public init(_ configuration: BenchConfiguration) {
            servers = configuration.servers.map(\.description)
            connections = configuration.connections
            pipeline = configuration.pipelineDepth
            durationSeconds = configuration.durationSeconds
            warmupSeconds = configuration.warmupSeconds
            getRatio = configuration.getRatio
            keys = configuration.keyCount
            switch configuration.keyDistribution {
            case .uniform: keyDistribution = "uniform"
            case .zipf(let exponent): keyDistribution = "zipf(s=\(exponent))"
            }
            seed = configuration.seed
            valueSizeBytes = configuration.valueSizeBytes
            rateOpsPerSecond = configuration.targetOpsPerSecond
            prefill = configuration.prefill
            timeoutMilliseconds = configuration.requestTimeoutMilliseconds
            threads = configuration.eventLoopThreads
            routingAware = configuration.routingAware
            verify = configuration.verify
        }
    }

    public var setup: Setup
    /// Errors and timeouts of the prefill phase; its latencies are not part of the results.
    public var prefillProblems: ErrorCounts?
    public var summary: BenchSummary
    public var timeline: [TimelineEntry]
    /// Wall-clock time (seconds since 1970) at which the measured run began: `timeline` entries end
    /// at this plus their `elapsedSeconds`, so a script can line them up with its own events.
    public var measuredStartUnixSeconds: Double?
    /// The final read-back of a verifying run; nil otherwise.
    public var readBack: ReadBackTally?
    /// Every measured operation of a verifying run with `--trace`; not encoded (see `CodingKeys`).
    public var operationTrace: OperationTraceLog?

    /// The trace is too large for the JSON report; the CLI writes it to its own file.
    enum CodingKeys: String, CodingKey {
        case setup, prefillProblems, summary, timeline, measuredStartUnixSeconds, readBack
    }

    public init(
        setup: Setup, prefillProblems: ErrorCounts?, summary: BenchSummary, timeline: [TimelineEntry],
        measuredStartUnixSeconds: Double? = nil, readBack: ReadBackTally? = nil, operationTrace: OperationTraceLog? = nil
    ) {
        self.operationTrace = operationTrace
        self.measuredStartUnixSeconds = measuredStartUnixSeconds
        self.readBack = readBack
        self.setup = setup
        self.prefillProblems = prefillProblems
        self.summary = summary
        self.timeline = timeline
    }
}
