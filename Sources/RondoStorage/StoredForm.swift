#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import RondoCompression

/// An item's bytes as the store keeps them: the key followed by the value (LZ4 frame when
/// compressed) in one buffer that the store owns, so a stored item never pins a caller's receive
/// buffer and costs one buffer allocation.
struct StoredForm {
    var storage: ByteBuffer
    var keyLength: Int
    var isCompressed: Bool

    /// Copies `key` and `value`; compresses the value when it is at least `compressMinBytes` long
    /// and compression makes it smaller.
    init(key: ByteBuffer, value: ByteBuffer, compressMinBytes: Int?) {
        if let compressMinBytes, value.readableBytes >= compressMinBytes, value.readableBytes > 0,
            let compressed = try? LZ4.compress(value), compressed.readableBytes < value.readableBytes
        {
            self.init(key: key, storedValue: compressed, isCompressed: true)
        } else {
            self.init(key: key, storedValue: value, isCompressed: false)
        }
    }

    private init(key: ByteBuffer, storedValue: ByteBuffer, isCompressed: Bool) {
        var storage = ByteBufferAllocator().buffer(capacity: key.readableBytes + storedValue.readableBytes)
        storage.writeImmutableBuffer(key)
        storage.writeImmutableBuffer(storedValue)
        self.storage = storage
        self.keyLength = key.readableBytes
        self.isCompressed = isCompressed
    }

    /// The key as a slice of the storage (a retain, no copy): the dictionary key of the item.
    var key: ByteBuffer {
        storage.getSlice(at: storage.readerIndex, length: keyLength)!
    }

    /// Whether the stored key is `key`'s readable bytes; compares in place, without a slice.
    @inline(__always)
    func hasKey(_ key: ByteBuffer) -> Bool {
        guard key.readableBytes == keyLength else { return false }
        return storage.withUnsafeReadableBytes { stored in
            key.withUnsafeReadableBytes { wanted in
                keyLength == 0 || memcmp(stored.baseAddress!, wanted.baseAddress!, keyLength) == 0
            }
        }
    }

    /// The value in stored form (compressed when `isCompressed`).
    var storedValue: ByteBuffer {
        storage.getSlice(at: storage.readerIndex + keyLength, length: storage.readableBytes - keyLength)!
    }

    var accountedBytes: Int { storage.readableBytes + ItemStore.perItemOverheadBytes }
}

extension ByteBuffer {
    /// Decodes a stored value; nil when the stored bytes are corrupt (the caller drops the item).
    func decodedStoredValue(isCompressed: Bool, maximumLength: Int) -> ByteBuffer? {
        guard isCompressed else { return self }
        return try? LZ4.decompress(self, maximumLength: maximumLength)
    }
}
