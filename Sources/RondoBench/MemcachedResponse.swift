import NIOCore

/// One reply frame of the classic text protocol, as the bench client sees it. A `get` hit arrives
/// as `.value` followed by `.end`; a miss is `.end` alone.
public enum MemcachedResponse: Equatable, Sendable {
    /// `VALUE <key> <flags> <bytes>[ <cas>]` with its data block (slices of the read buffer, no copy).
    case value(key: ByteBuffer, flags: UInt32, data: ByteBuffer)
    case end
    case stored
    case notStored
    case exists
    case notFound
    case deleted
    /// `ERROR`: the server did not understand the command.
    case error
    case clientError(String)
    case serverError(String)
}
