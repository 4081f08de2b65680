/// What kind of participant opens a connection; sent in `Hello` as a u8.
public enum PeerRole: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A storage node. Its node id is unique among the members.
    case node = 1
    /// The coordinator. Its node id is unique among the members too.
    case coordinator = 2
    /// An operator's `rondo ctl` session: transient, several may share an id.
    case ctl = 3

    public var description: String {
        switch self {
        case .node: return "node"
        case .coordinator: return "coordinator"
        case .ctl: return "ctl"
        }
    }
}
