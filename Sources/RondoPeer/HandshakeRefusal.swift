import RondoCore

/// Why an acceptor refused a `Hello`. The description names the problem and what the cluster
/// would accept; it travels as the text of `HelloRefused` and is what the refused side logs.
public enum HandshakeRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongCluster(expected: String, got: String)
    case duplicateNodeID(NodeID)
    case noCommonProtocolVersion(ours: ClosedRange<UInt16>, theirs: ClosedRange<UInt16>)
    case versionOutsideSkew(peer: SemanticVersion, accepted: AcceptedVersionWindow)
    case downgradeBelowFinalized(peer: SemanticVersion, finalized: SemanticVersion)
    case malformed(detail: String)

    public var code: HandshakeRefusalCode {
        switch self {
        case .wrongCluster: return .wrongCluster
        case .duplicateNodeID: return .duplicateNodeID
        case .noCommonProtocolVersion: return .noCommonProtocolVersion
        case .versionOutsideSkew: return .versionOutsideSkew
        case .downgradeBelowFinalized: return .downgradeBelowFinalized
        case .malformed: return .malformed
        }
    }

    public var description: String {
        switch self {
        case .wrongCluster(let expected, let got):
            return "wrong cluster: this is cluster \(expected.debugDescription), the peer asked for \(got.debugDescription)"
        case .duplicateNodeID(let id):
            return "duplicate node id: \(id) is already a member of this cluster; give the new node its own id or remove the old member first"
        case .noCommonProtocolVersion(let ours, let theirs):
            return "no common protocol version: this node speaks \(ours.lowerBound)...\(ours.upperBound), the peer speaks \(theirs.lowerBound)...\(theirs.upperBound)"
        case .versionOutsideSkew(let peer, let accepted):
            return "version \(peer) is outside the supported skew: the cluster accepts \(accepted)"
        case .downgradeBelowFinalized(let peer, let finalized):
            return "downgrade below the finalized version: the cluster is finalized at \(finalized) and accepts \(finalized.major).\(finalized.minor).x or newer, the peer runs \(peer)"
        case .malformed(let detail):
            return "malformed Hello: \(detail)"
        }
    }
}
