import NIOCore

/// `get`, `gets`, `gat`, `gats`: one request over any number of keys.
public struct RetrievalRequest: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        case get, gets, gat, gats
    }

    public var command: Command
    /// memcached exptime for `gat`/`gats` (0 for `get`/`gets`, where it is unused).
    public var exptime: Int64
    public var keys: KeyList

    public init(command: Command, exptime: Int64 = 0, keys: KeyList) {
        self.command = command
        self.exptime = exptime
        self.keys = keys
    }

    /// `gets`/`gats` add the CAS unique to each VALUE line.
    @inlinable
    public var returnsCAS: Bool { command == .gets || command == .gats }

    /// `gat`/`gats` update the expiry of every hit.
    @inlinable
    public var touches: Bool { command == .gat || command == .gats }
}
