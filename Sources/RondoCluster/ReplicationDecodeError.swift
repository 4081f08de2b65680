/// Why an item body from a peer was rejected. Bytes from the wire land here as values, never as a
/// crash; the runtime answers with a peer `Error` frame and closes the connection.
public enum ReplicationDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated(field: String)
    case unsupportedFormatVersion(UInt8)
    case unexpectedBodyKind(UInt8)
    case tooManyEntries(count: UInt32, maximum: Int)
    case invalidKeyLength(Int)
    case valueTooLarge(bytes: UInt32, maximum: Int)
    case unknownChangeTag(UInt8)
    case invalidBoolean(field: String, value: UInt8)
    case trailingBytes(Int)
    case sequenceOverflow
    /// The body disagrees with the frame that carried it (vnode, first sequence, item count).
    case mismatch(field: String, frame: UInt64, body: UInt64)

    public var description: String {
        switch self {
        case .truncated(let field): return "item body truncated in \(field)"
        case .unsupportedFormatVersion(let version): return "item body format version \(version) is not supported"
        case .unexpectedBodyKind(let kind): return "item body kind \(kind) is not the expected one"
        case .tooManyEntries(let count, let maximum): return "\(count) entries exceed the limit of \(maximum)"
        case .invalidKeyLength(let length): return "key length \(length) outside 1...\(ReplicationEncodingLimits.keyBytesMax)"
        case .valueTooLarge(let bytes, let maximum): return "value of \(bytes) bytes exceeds the limit of \(maximum)"
        case .unknownChangeTag(let tag): return "unknown change tag \(tag)"
        case .invalidBoolean(let field, let value): return "\(field) must be 0 or 1, got \(value)"
        case .trailingBytes(let count): return "\(count) bytes after the last entry"
        case .sequenceOverflow: return "sequence numbers overflow u64"
        case .mismatch(let field, let frame, let body): return "\(field): frame says \(frame), body says \(body)"
        }
    }
}
