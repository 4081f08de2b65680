/// Why bytes received as a routing table were refused. Decoding never traps on input.
public enum RingDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated(offset: Int, needed: Int)
    case badMagic
    case unsupportedVersion(UInt8)
    case vnodeCountInvalid(UInt32)
    case fieldOutOfRange(field: String, value: Int)
    case memberIndexOutOfRange(Int)
    case unknownMemberState(UInt8)
    case unknownLabelFlags(UInt8)
    case labelNotUTF8
    case trailingBytes(Int)
    case invalidTable(RingInvariantViolation)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed): return "truncated: \(needed) bytes needed at offset \(offset)"
        case .badMagic: return "not a routing table (bad magic)"
        case .unsupportedVersion(let version): return "unsupported routing table version \(version)"
        case .vnodeCountInvalid(let count): return "invalid vnode count \(count)"
        case .fieldOutOfRange(let field, let value): return "\(field) \(value) out of range"
        case .memberIndexOutOfRange(let index): return "member index \(index) out of range"
        case .unknownMemberState(let state): return "unknown member state \(state)"
        case .unknownLabelFlags(let flags): return "unknown label flags \(flags)"
        case .labelNotUTF8: return "label is not UTF-8"
        case .trailingBytes(let count): return "\(count) bytes after the table"
        case .invalidTable(let violation): return "decoded table is invalid: \(violation)"
        }
    }
}
