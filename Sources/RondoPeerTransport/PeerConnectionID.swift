import NIOConcurrencyHelpers

/// Names one connection for the life of the process, so events and answers can refer to it
/// before (and regardless of) the node id its Hello claims.
public struct PeerConnectionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64

    private static let counter = NIOLockedValueBox<UInt64>(0)

    public static func next() -> PeerConnectionID {
        PeerConnectionID(rawValue: counter.withLockedValue { value in
            value += 1
            return value
        })
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "connection #\(rawValue)" }
}
