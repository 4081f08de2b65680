import NIOCore
import RondoCompression

/// The item body shared by replication and transfer batches: the same bytes under one of two tags,
/// `itemsTag` uncompressed or `itemsLZ4Tag` as an LZ4 frame (`LZ4.compress`: u32 original length,
/// one block). Exactly one of the two is present. The item encoding inside belongs to the storage
/// and replication work; this layer only moves and (de)compresses the bytes.
enum BatchItemsField {
    static func write(
        _ items: ByteBuffer, compression: ItemsCompression, itemsTag: UInt16, itemsLZ4Tag: UInt16,
        into writer: inout PeerFieldWriter
    ) {
        switch compression {
        case .none:
            writer.bytes(itemsTag, items)
        case .lz4:
            do {
                writer.bytes(itemsLZ4Tag, try LZ4.compress(items))
            } catch {
                // Batch initialisers cap items at LZ4.maximumInputBytes, the only failure cause.
                preconditionFailure("batch items were checked against LZ4's input limit: \(error)")
            }
        }
    }

    static func read(
        _ reader: PeerFieldReader, itemsTag: UInt16, itemsLZ4Tag: UInt16, limits: PeerProtocolLimits
    ) throws(PeerProtocolError) -> (items: ByteBuffer, compression: ItemsCompression) {
        let plain = try reader.optionalBytes(itemsTag)
        let compressed = try reader.optionalBytes(itemsLZ4Tag)
        switch (plain, compressed) {
        case (let plain?, nil):
            return (plain, .none)
        case (nil, let compressed?):
            do {
                let items = try LZ4.decompress(compressed, maximumLength: limits.decompressedItemsBytesMax)
                return (items, .lz4)
            } catch {
                throw .corruptCompressedItems(messageType: reader.messageType, error)
            }
        case (nil, nil):
            throw .missingField(messageType: reader.messageType, tag: itemsTag)
        case (.some, .some):
            throw .invalidFieldValue(messageType: reader.messageType, tag: itemsLZ4Tag, reason: "both plain and LZ4 items present")
        }
    }

    static func checkCompressible(_ items: ByteBuffer) {
        precondition(items.readableBytes <= LZ4.maximumInputBytes, "a batch body larger than LZ4's block limit")
    }
}
