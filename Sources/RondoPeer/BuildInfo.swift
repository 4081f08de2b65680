import RondoCore

/// What this build is, as far as its peers are concerned: one software version, the range of peer
/// protocol versions it speaks, and the features it offers. Sent in every `Hello`.
public struct BuildInfo: Sendable, Hashable, CustomStringConvertible {
    public var softwareVersion: SemanticVersion
    public var protocolVersions: ClosedRange<UInt16>
    public var features: Set<FeatureName>

    public init(softwareVersion: SemanticVersion, protocolVersions: ClosedRange<UInt16>, features: Set<FeatureName>) {
        self.softwareVersion = softwareVersion
        self.protocolVersions = protocolVersions
        self.features = features
    }

    /// This build. A release that changes the wire raises `protocolVersions.upperBound` (keeping
    /// the old versions it still speaks) or adds a feature; a patch release changes neither.
    ///
    /// 0.2.0 adds `replication.lz4-batches` and keeps protocol 1: the new batch form is a field
    /// tag that every 0.1.0 reader already decodes, so no new protocol version is needed.
    public static let current = BuildInfo(
        softwareVersion: RondoVersion.current,
        protocolVersions: 1...1,
        features: release_0_1_0.features.union([.replicationLZ4Batches])
    )

    /// The first release exactly as a 0.1.0 node announces itself; never changes. Tests and the
    /// simulation use it to run old nodes next to this build.
    public static let release_0_1_0 = BuildInfo(
        softwareVersion: RondoVersion.release_0_1_0,
        protocolVersions: 1...1,
        features: [.replicationV1, .transferLZ4]
    )

    public var description: String {
        let names = features.sorted().map(\.rawValue).joined(separator: ",")
        return "\(softwareVersion) (protocol \(protocolVersions.lowerBound)...\(protocolVersions.upperBound), features [\(names)])"
    }
}
