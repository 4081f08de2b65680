import RondoCore

/// Explicit bounds on every dimension of a routing table. Decoding rejects anything beyond them,
/// so a malformed table can never make a node allocate without bound.
public enum RingLimits {
    public static let membersMax = 1024
    public static let replicaCountMax = 5
    public static let vnodeCountMax = VnodeCount.maximum
    /// Zone and host labels are short names, not free text.
    public static let labelBytesMax = 64
}
