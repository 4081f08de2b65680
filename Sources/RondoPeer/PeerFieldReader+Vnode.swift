import RondoCore

extension PeerFieldReader {
    /// A vnode number: u32 on the wire, below `VnodeCount.maximum` (no cluster has more).
    public func vnode(_ tag: UInt16) throws(PeerProtocolError) -> Int {
        let raw = try integer(tag, as: UInt32.self)
        guard Int(raw) < VnodeCount.maximum else {
            throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "vnode \(raw) is not below \(VnodeCount.maximum)")
        }
        return Int(raw)
    }

    /// An optional bool: absent reads as false.
    public func flag(_ tag: UInt16) throws(PeerProtocolError) -> Bool {
        guard try optionalBytes(tag) != nil else { return false }
        return try bool(tag)
    }
}
