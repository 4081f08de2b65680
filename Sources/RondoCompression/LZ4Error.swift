/// Why a buffer could not be compressed or decompressed. Input from the wire or from disk that is
/// corrupt or truncated lands here as a thrown value, never as a crash.
public enum LZ4Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The frame is shorter than its 4-byte length header.
    case truncatedHeader(available: Int)
    /// The recorded original length is larger than the caller allows.
    case declaredLengthTooLarge(declared: Int, maximum: Int)
    /// liblz4 rejected the compressed bytes (corrupt, truncated, or not LZ4 at all).
    case corruptInput
    /// liblz4 produced a different length than the header recorded.
    case lengthMismatch(declared: Int, actual: Int)
    /// The input is larger than LZ4 can compress in one block.
    case inputTooLarge(Int)

    public var description: String {
        switch self {
        case .truncatedHeader(let n): return "lz4: frame truncated (\(n) bytes, header needs 4)"
        case .declaredLengthTooLarge(let d, let m): return "lz4: declared length \(d) exceeds limit \(m)"
        case .corruptInput: return "lz4: corrupt compressed data"
        case .lengthMismatch(let d, let a): return "lz4: declared length \(d) but decompressed \(a)"
        case .inputTooLarge(let n): return "lz4: input of \(n) bytes exceeds LZ4_MAX_INPUT_SIZE"
        }
    }
}
