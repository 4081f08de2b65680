/// The u16 reason code of a `HelloRefused`. A struct so that a code added by a later release still
/// decodes; its text then carries the explanation.
public struct HandshakeRefusalCode: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let wrongCluster = HandshakeRefusalCode(rawValue: 1)
    public static let duplicateNodeID = HandshakeRefusalCode(rawValue: 2)
    public static let noCommonProtocolVersion = HandshakeRefusalCode(rawValue: 3)
    public static let versionOutsideSkew = HandshakeRefusalCode(rawValue: 4)
    public static let downgradeBelowFinalized = HandshakeRefusalCode(rawValue: 5)
    public static let malformed = HandshakeRefusalCode(rawValue: 6)

    public var description: String {
        switch self {
        case .wrongCluster: return "wrongCluster"
        case .duplicateNodeID: return "duplicateNodeID"
        case .noCommonProtocolVersion: return "noCommonProtocolVersion"
        case .versionOutsideSkew: return "versionOutsideSkew"
        case .downgradeBelowFinalized: return "downgradeBelowFinalized"
        case .malformed: return "malformed"
        default: return "code \(rawValue)"
        }
    }
}
