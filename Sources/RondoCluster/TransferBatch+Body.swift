import NIOCore
import RondoPeer

extension TransferBatch {
    /// The cursor a Rondo source sends: the batch's index in its transfer (u64), which lets the
    /// target notice a lost or repeated batch. The export position itself stays on the source.
    public init(batchIndex: UInt64, body: TransferBody, isLast: Bool, compression: ItemsCompression = .lz4) {
        var cursor = ByteBuffer()
        cursor.writeInteger(batchIndex)
        self.init(
            vnode: UInt32(body.vnode), cursor: cursor, itemCount: UInt32(body.items.count),
            items: ReplicationEntryEncoding.transferBody(body), isLast: isLast, compression: compression)
    }

    public func batchIndex() throws(TransferError) -> UInt64 {
        guard cursor.readableBytes == 8, let index = cursor.getInteger(at: cursor.readerIndex, as: UInt64.self) else {
            throw .malformedCursor(bytes: cursor.readableBytes)
        }
        return index
    }

    /// The body, checked against the frame's vnode and item count.
    public func decodedBody(limits: ReplicationEncodingLimits = .default) throws(TransferError) -> TransferBody {
        let body: TransferBody
        do {
            body = try ReplicationEntryEncoding.decodeTransferBody(items, limits: limits)
        } catch {
            throw .malformedBody(error)
        }
        guard body.vnode == Int(vnode) else {
            throw .malformedBody(.mismatch(field: "vnode", frame: UInt64(vnode), body: UInt64(body.vnode)))
        }
        guard body.items.count == Int(itemCount) else {
            throw .malformedBody(.mismatch(field: "item count", frame: UInt64(itemCount), body: UInt64(body.items.count)))
        }
        return body
    }
}
