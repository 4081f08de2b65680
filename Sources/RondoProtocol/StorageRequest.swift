import NIOCore

/// `set`, `add`, `replace`, `append`, `prepend`, `cas` with their data block.
public struct StorageRequest: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        case set, add, replace, append, prepend, cas
    }

    public var command: Command
    public var key: ByteBuffer
    public var flags: UInt32
    public var exptime: Int64
    /// The compare value of `cas`; 0 for the other commands.
    public var casUnique: UInt64
    public var noreply: Bool
    /// The data block without its CRLF: a slice of the receive buffer.
    public var value: ByteBuffer

    public init(
        command: Command, key: ByteBuffer, flags: UInt32, exptime: Int64, casUnique: UInt64 = 0,
        noreply: Bool, value: ByteBuffer
    ) {
        self.command = command
        self.key = key
        self.flags = flags
        self.exptime = exptime
        self.casUnique = casUnique
        self.noreply = noreply
        self.value = value
    }
}
