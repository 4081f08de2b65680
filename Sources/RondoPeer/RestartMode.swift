/// How a node is restarted during a rolling upgrade. The coordinator only orders and waits; the
/// node's runtime performs the restart.
public enum RestartMode: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// The node replaces itself: it drains, then re-executes the binary it is given (its own when
    /// none is given) with the same node id and ports.
    case inPlace = 1
    /// An operator or a service manager restarts the node; the coordinator watches for it to come
    /// back on the expected version.
    case external = 2

    public var description: String {
        switch self {
        case .inPlace: return "in-place"
        case .external: return "external"
        }
    }
}
