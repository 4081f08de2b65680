/// Whether a member takes part in placement. A draining member stays in the cluster (it keeps
/// serving while its vnodes move away) but the placement assigns it nothing: ROMA's "release",
/// and the first step of upgrading a node.
public enum MemberState: UInt8, Sendable, Hashable {
    case active = 0
    case draining = 1
}
