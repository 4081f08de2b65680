import RondoRing

extension RoutingTable {
    /// The same table at a higher `epoch`. RondoRing only bumps epochs through membership
    /// changes; a restarted coordinator that learns of a higher epoch must publish above it
    /// without changing placement, so it rewrites the epoch field of the documented wire layout
    /// (docs/ring.md, version 1: magic 4 bytes, version 1 byte, epoch 8 bytes little-endian) and
    /// decodes — which validates — the result.
    func withEpoch(_ epoch: UInt64) throws(RingDecodeError) -> RoutingTable {
        precondition(epoch >= self.epoch, "epochs only grow")
        var bytes = encoded()
        guard bytes.count >= 13, bytes[4] == RoutingTable.wireVersion else {
            throw .unsupportedVersion(bytes.count > 4 ? bytes[4] : 0)
        }
        for index in 0..<8 { bytes[5 + index] = UInt8(truncatingIfNeeded: epoch >> (8 * UInt64(index))) }
        return try RoutingTable(decoding: bytes)
    }
}
