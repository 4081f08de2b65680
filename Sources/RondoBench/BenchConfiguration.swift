/// Everything one `rondo bench` run needs. Built by the CLI, checked by `validate()` before any
/// socket opens, so a bad flag never becomes a half-started load.
public struct BenchConfiguration: Equatable, Sendable {
    public var servers: [ServerAddress]
    public var connections: Int
    /// Requests in flight per connection.
    public var pipelineDepth: Int
    public var durationSeconds: Double
    public var warmupSeconds: Double
    /// Share of operations that are `get`; the rest are `set`.
    public var getRatio: Double
    public var keyCount: Int
    public var keyPrefix: String
    public var keyDistribution: KeyDistribution
    public var seed: UInt64
    public var valueSizeBytes: Int
    /// Open loop when set: requests follow a fixed schedule at this total rate. Closed loop when nil.
    public var targetOpsPerSecond: Double?
    public var prefill: Bool
    public var requestTimeoutMilliseconds: Int
    public var eventLoopThreads: Int
    /// Fetch the routing table from the first server (`rondo_routing`), connect to every node of
    /// it, and send each key to its vnode's primary.
    public var routingAware: Bool
    /// A verifying run (`VerifyingWorker`): each connection is a worker owning a partition of the
    /// keys, one request in flight, values that name their write, a retry on another server, and a
    /// final read-back of every written key.
    public var verify: Bool
    /// When this file appears the measured run ends early (checked once a second); `durationSeconds`
    /// stays the upper bound. Lets a script end the load when its scenario is over.
    public var stopFilePath: String?
    /// A verifying run keeps every measured operation's latency, up to this many (0: none); see
    /// `OperationTrace`.
    public var traceOperationsMax: Int

    public init(
        servers: [ServerAddress],
        connections: Int = 50,
        pipelineDepth: Int = 1,
        durationSeconds: Double = 10,
        warmupSeconds: Double = 0,
        getRatio: Double = 0.9,
        keyCount: Int = 100_000,
        keyPrefix: String = "key:",
        keyDistribution: KeyDistribution = .uniform,
        seed: UInt64 = 1,
        valueSizeBytes: Int = 100,
        targetOpsPerSecond: Double? = nil,
        prefill: Bool = false,
        requestTimeoutMilliseconds: Int = 1_000,
        eventLoopThreads: Int = 2,
        routingAware: Bool = false,
        verify: Bool = false,
        stopFilePath: String? = nil,
        traceOperationsMax: Int = 0
    ) {
        self.traceOperationsMax = traceOperationsMax
        self.servers = servers
        self.connections = connections
        self.pipelineDepth = pipelineDepth
        self.durationSeconds = durationSeconds
        self.warmupSeconds = warmupSeconds
        self.getRatio = getRatio
        self.keyCount = keyCount
        self.keyPrefix = keyPrefix
        self.keyDistribution = keyDistribution
        self.seed = seed
        self.valueSizeBytes = valueSizeBytes
        self.targetOpsPerSecond = targetOpsPerSecond
        self.prefill = prefill
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.eventLoopThreads = eventLoopThreads
        self.routingAware = routingAware
        self.verify = verify
        self.stopFilePath = stopFilePath
    }
}

extension BenchConfiguration {
    /// Explicit maximums: each bounds memory or file descriptors the generator itself uses.
    public enum Limits {
        public static let serversMax = 1_024
        public static let connectionsMax = 10_000
        public static let pipelineDepthMax = 1_024
        public static let durationSecondsMax = 86_400.0
        public static let warmupSecondsMax = 3_600.0
        /// memcached's default item size limit.
        public static let valueSizeBytesMax = 1 << 20
        public static let keyCountMax = 1_000_000_000
        /// memcached refuses keys longer than 250 bytes; the prefix leaves room for the index digits.
        public static let keyLengthMax = 250
        public static let opsPerSecondMax = 100_000_000.0
        public static let requestTimeoutMillisecondsMax = 600_000
        public static let eventLoopThreadsMax = 256
        /// 24 bytes each: 2 million is ~48 MB, 15 minutes at 2 000 ops/s.
        public static let traceOperationsMax = 2_000_000
        public static let zipfExponentRange = 0.01...10.0
    }

    public func validate() throws(BenchConfigurationError) {
        if servers.isEmpty || servers.count > Limits.serversMax {
            throw .outOfRange(flag: "--servers", value: "\(servers.count) servers", allowed: "1...\(Limits.serversMax)")
        }
        try check("--connections", connections, 1...Limits.connectionsMax)
        try check("--pipeline", pipelineDepth, 1...Limits.pipelineDepthMax)
        try check("--duration", durationSeconds, 0.1...Limits.durationSecondsMax)
        try check("--warmup", warmupSeconds, 0...Limits.warmupSecondsMax)
        try check("--get-ratio", getRatio, 0...1)
        try check("--keys", keyCount, 1...Limits.keyCountMax)
        try check("--value-size", valueSizeBytes, 0...Limits.valueSizeBytesMax)
        try check("--timeout-ms", requestTimeoutMilliseconds, 1...Limits.requestTimeoutMillisecondsMax)
        try check("--threads", eventLoopThreads, 1...Limits.eventLoopThreadsMax)
        if let rate = targetOpsPerSecond {
            try check("--rate", rate, 1...Limits.opsPerSecondMax)
        }
        if case .zipf(let exponent) = keyDistribution {
            try check("--zipf-s", exponent, Limits.zipfExponentRange)
        }
        try validateKeyPrefix()
        try check("--trace", traceOperationsMax, 0...Limits.traceOperationsMax)
        if verify {
            try validateVerify()
        } else if traceOperationsMax > 0 {
            throw .outOfRange(flag: "--trace", value: "without --verify", allowed: "only with --verify")
        }
    }

    /// A verifying worker keeps one request in flight and owns at least one key, and it picks its
    /// own servers: no pipelining, no routing-aware placement.
    private func validateVerify() throws(BenchConfigurationError) {
        if pipelineDepth != 1 {
            throw .outOfRange(flag: "--pipeline", value: "\(pipelineDepth) with --verify", allowed: "1...1")
        }
        if routingAware {
            throw .outOfRange(flag: "--routing-aware", value: "with --verify", allowed: "not with --verify")
        }
        if keyCount < connections {
            throw .outOfRange(flag: "--keys", value: "\(keyCount) with --verify", allowed: "\(connections)...\(Limits.keyCountMax) (one key per connection at least)")
        }
    }

    private func validateKeyPrefix() throws(BenchConfigurationError) {
        let digitsMax = String(keyCount - 1).utf8.count
        if keyPrefix.utf8.count + digitsMax > Limits.keyLengthMax {
            throw .invalidKeyPrefix(keyPrefix, reason: "keys would exceed \(Limits.keyLengthMax) bytes")
        }
        // The text protocol splits on spaces and ends lines at control characters.
        if keyPrefix.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw .invalidKeyPrefix(keyPrefix, reason: "keys may not contain spaces or control characters")
        }
    }

    private func check<Value: Comparable>(
        _ flag: String,
        _ value: Value,
        _ allowed: ClosedRange<Value>
    ) throws(BenchConfigurationError) {
        // `!contains` also rejects NaN, which compares false to everything.
        if !allowed.contains(value) {
            throw .outOfRange(flag: flag, value: "\(value)", allowed: "\(allowed.lowerBound)...\(allowed.upperBound)")
        }
    }
}
