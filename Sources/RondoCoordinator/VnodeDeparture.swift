import RondoCore

/// One vnode leaving a node of a batch at release: who receives a copy (copies are made before
/// the switch) and how large it is, when a holder reported its size.
public struct VnodeDeparture: Sendable, Hashable {
    public let vnode: Int
    public let from: [NodeID]
    public let to: [NodeID]
    /// Bytes of one copy; nil when no holder reported the vnode's size.
    public let bytes: UInt64?

    public var json: JSONValue {
        .object([
            ("vnode", .integer(Int64(vnode))),
            ("from", .array(from.map { .string($0.rawValue) })),
            ("to", .array(to.map { .string($0.rawValue) })),
            ("bytes", bytes.map { .unsigned($0) } ?? .null),
        ])
    }
}
