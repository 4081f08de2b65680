import RondoRing

/// Why persisted bytes were refused as a `CoordinatorState`. Decoding never traps on input.
public enum CoordinatorStateDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    // Equality is synthesized from the cases; the ring errors inside are only Equatable, so
    // hashing goes through the description, which names every associated value.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    case tooLarge(Int)
    case badMagic
    case unsupportedVersion(UInt8)
    case truncated(offset: Int, needed: Int)
    case fieldOutOfRange(field: String, value: Int)
    case notUTF8(field: String)
    case missingSection(UInt16)
    case duplicateSection(UInt16)
    case unknownRequiredSection(UInt16)
    case trailingBytes(section: UInt16, count: Int)
    case table(RingDecodeError)
    case inconsistent(CoordinatorInvariantViolation)

    public var description: String {
        switch self {
        case .tooLarge(let size): return "\(size) bytes is larger than a coordinator state may be"
        case .badMagic: return "not a coordinator state (bad magic)"
        case .unsupportedVersion(let version): return "unsupported coordinator state version \(version)"
        case .truncated(let offset, let needed): return "truncated: \(needed) bytes needed at offset \(offset)"
        case .fieldOutOfRange(let field, let value): return "\(field) \(value) out of range"
        case .notUTF8(let field): return "\(field) is not UTF-8"
        case .missingSection(let tag): return "section \(tag) is missing"
        case .duplicateSection(let tag): return "section \(tag) appears twice"
        case .unknownRequiredSection(let tag): return "section \(tag) is required but unknown to this version"
        case .trailingBytes(let section, let count): return "\(count) bytes left over in section \(section)"
        case .table(let error): return "routing table: \(error)"
        case .inconsistent(let violation): return "state is inconsistent: \(violation)"
        }
    }
}
