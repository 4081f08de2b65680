import CLZ4
import NIOCore

/// LZ4 block compression over `ByteBuffer`s. The only module that imports liblz4.
///
/// Frame layout: a 4-byte big-endian original length, then one LZ4 block. Recording the length lets
/// the receiver size its output exactly and reject absurd lengths before allocating; decompression
/// goes only through `LZ4_decompress_safe`, which never reads or writes out of bounds.
public enum LZ4 {
    public static let headerBytes = 4
    /// liblz4's own ceiling for one block (LZ4_MAX_INPUT_SIZE).
    public static let maximumInputBytes = Int(LZ4_MAX_INPUT_SIZE)

    /// Appends the compressed frame of `input`'s readable bytes to `output`.
    /// Returns the number of bytes written.
    @discardableResult
    public static func compress(_ input: ByteBuffer, into output: inout ByteBuffer) throws(LZ4Error) -> Int {
        let sourceCount = input.readableBytes
        guard sourceCount <= maximumInputBytes else { throw .inputTooLarge(sourceCount) }
        let bound = Int(LZ4_compressBound(Int32(sourceCount)))
        let start = output.writerIndex
        output.writeInteger(UInt32(sourceCount))
        let written = input.withUnsafeReadableBytes { source in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { destination in
                let n = LZ4_compress_default(
                    source.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    destination.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(sourceCount),
                    Int32(bound)
                )
                return Int(n)
            }
        }
        // LZ4_compress_default only fails when the destination is smaller than compressBound,
        // which the writable-bytes reservation above rules out.
        assert(written > 0 || sourceCount == 0)
        return output.writerIndex - start
    }

    /// Compresses into a new buffer.
    public static func compress(_ input: ByteBuffer, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(LZ4Error) -> ByteBuffer {
        var output = allocator.buffer(capacity: headerBytes + Int(LZ4_compressBound(Int32(min(input.readableBytes, maximumInputBytes)))))
        try compress(input, into: &output)
        return output
    }

    /// Decompresses one frame made by `compress`: all of `input`'s readable bytes.
    /// - Parameter maximumLength: the largest original length the caller accepts; larger frames are
    ///   rejected before any allocation.
    public static func decompress(
        _ input: ByteBuffer,
        maximumLength: Int,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(LZ4Error) -> ByteBuffer {
        var input = input
        guard let declared32 = input.readInteger(as: UInt32.self) else {
            throw .truncatedHeader(available: input.readableBytes)
        }
        let declared = Int(declared32)
        guard declared <= maximumLength, declared <= maximumInputBytes else {
            throw .declaredLengthTooLarge(declared: declared, maximum: min(maximumLength, maximumInputBytes))
        }
        let compressedCount = input.readableBytes
        guard compressedCount <= Int(Int32.max) else { throw .corruptInput }
        var output = allocator.buffer(capacity: declared)
        if declared == 0 {
            // An empty input compresses to a single zero token; anything else is corrupt.
            guard compressedCount == 1, input.getInteger(at: input.readerIndex, as: UInt8.self) == 0 else {
                throw .corruptInput
            }
            return output
        }
        let produced = input.withUnsafeReadableBytes { source in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: declared) { destination in
                let n = LZ4_decompress_safe(
                    source.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    destination.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(compressedCount),
                    Int32(declared)
                )
                return n > 0 ? Int(n) : 0
            }
        }
        // LZ4_decompress_safe returns a negative number for malformed input; the closure above
        // reported that as 0 written bytes, which for declared > 0 is corrupt.
        guard produced > 0 else { throw .corruptInput }
        guard produced == declared else { throw .lengthMismatch(declared: declared, actual: produced) }
        return output
    }
}
