import RondoCore

/// Whether a node that receives copies during a release has room for them.
public struct MemoryCheck: Sendable, Hashable, CustomStringConvertible {
    public let node: NodeID
    /// Bytes of the copies it receives, counting only vnodes of known size.
    public let incomingBytes: UInt64
    /// Vnodes it receives whose size nobody reported.
    public let unknownSizeVnodes: Int
    /// Nil when the node reports no memory figures.
    public let freeBytes: UInt64?

    /// True: fits; false: does not; nil: cannot tell (sizes or memory unknown).
    public var fits: Bool? {
        guard let freeBytes else { return nil }
        if incomingBytes > freeBytes { return false }
        return unknownSizeVnodes == 0 ? true : nil
    }

    public var description: String {
        let verdict: String
        switch fits {
        case true?: verdict = "ok"
        case false?: verdict = "DOES NOT FIT"
        case nil: verdict = "unknown"
        }
        let free = freeBytes.map { "\($0) free" } ?? "memory not reported"
        let unknown = unknownSizeVnodes > 0 ? " + \(unknownSizeVnodes) vnodes of unknown size" : ""
        return "\(node): receives \(incomingBytes) bytes\(unknown), \(free): \(verdict)"
    }

    public var json: JSONValue {
        .object([
            ("node", .string(node.rawValue)),
            ("incomingBytes", .unsigned(incomingBytes)),
            ("unknownSizeVnodes", .integer(Int64(unknownSizeVnodes))),
            ("freeBytes", freeBytes.map { .unsigned($0) } ?? .null),
            ("fits", fits.map { .bool($0) } ?? .null),
        ])
    }
}
