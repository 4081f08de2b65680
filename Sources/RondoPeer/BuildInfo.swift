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
    public static let current = BuildInfo(
        softwareVersion: RondoVersion.current,
        protocolVersions: 1...1,
        features: [.replicationV1, .transferLZ4]
    )

    public var description: String {
        let names = features.sorted().map(\.rawValue).joined(separator: ",")
        return "\(softwareVersion) (protocol \(protocolVersions.lowerBound)...\(protocolVersions.upperBound), features [\(names)])"
    }
}
