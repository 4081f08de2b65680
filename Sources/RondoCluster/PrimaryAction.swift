import RondoPeer
import RondoRing

/// What the primary's replication state machine asks its caller to do.
public enum PrimaryAction: Sendable {
    /// Send the batch to the member (peer connection).
    case send(ReplicationBatch, to: MemberID)
    /// Answer the client: the write is durable per policy. `acknowledgedBy` are the secondaries
    /// that the policy counted (each holds the write).
    case completeWrite(WriteID, acknowledgedBy: [MemberID])
    /// Answer the client with `SERVER_ERROR`.
    case failWrite(WriteID, ReplicationError)
    /// The member has not acked writes in time: the coordinator decides whether it is down.
    case replicaLagging(MemberID)
    /// The member needs entries the log no longer holds: copy the vnode to it (a transfer).
    case rebuildRequired(vnode: Int, member: MemberID)
    /// A transfer target acked its snapshot and every write completed so far, and from now on
    /// counts for the policy: report the transfer complete (`transferCompleted`) now, not when
    /// the target applied its snapshot. Reported once per transfer. Only from here on does an
    /// epoch bump that makes the target primary keep every acknowledged write.
    case transferTargetCaughtUp(vnode: Int, member: MemberID, sequence: UInt64)
}
