import RondoCore

/// The cluster's active version: the newest protocol version and the features that every member
/// supports. Behaviour that needs a feature stays off until the feature is in here, so a single old
/// member keeps the whole cluster on the old behaviour until it is upgraded (or removed).
public struct ActiveVersion: Sendable, Hashable, CustomStringConvertible {
    public var protocolVersion: UInt16
    public var features: Set<FeatureName>

    public init(protocolVersion: UInt16, features: Set<FeatureName>) {
        self.protocolVersion = protocolVersion
        self.features = features
    }

    /// The newest protocol version in every member's range and the features every member offers.
    /// Nil when the members share no protocol version, which admission (`HandshakePolicy`) rules
    /// out for a cluster built through handshakes; an empty `members` has no active version either.
    ///
    /// `finalizedVersion` does not change the result: after finalize every member is at least the
    /// finalized version (older ones are refused at join), so the intersection already reflects
    /// it. It is a parameter so that callers state which finalize point the answer belongs to and
    /// so a member below it, which should not exist, is reported rather than silently lowering
    /// the active version.
    public static func compute(members: [BuildInfo], finalizedVersion: SemanticVersion?) -> Result<ActiveVersion, ActiveVersionError> {
        guard let first = members.first else { return .failure(.noMembers) }
        if let finalizedVersion, let stale = members.first(where: { $0.softwareVersion.isOlderReleaseLine(than: finalizedVersion) }) {
            return .failure(.memberBelowFinalized(stale.softwareVersion, finalized: finalizedVersion))
        }
        var lowest = first.protocolVersions.lowerBound
        var highest = first.protocolVersions.upperBound
        var features = first.features
        for member in members.dropFirst() {
            lowest = max(lowest, member.protocolVersions.lowerBound)
            highest = min(highest, member.protocolVersions.upperBound)
            features.formIntersection(member.features)
        }
        guard lowest <= highest else { return .failure(.noCommonProtocolVersion) }
        return .success(ActiveVersion(protocolVersion: highest, features: features))
    }

    public var description: String {
        "protocol \(protocolVersion), features [\(features.sorted().map(\.rawValue).joined(separator: ","))]"
    }
}
