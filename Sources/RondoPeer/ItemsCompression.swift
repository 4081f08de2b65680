/// How a batch's item body travels. Chosen per frame by the sender, within what the connection's
/// features allow: `lz4` replication batches need `replication.lz4-batches`; transfer batches
/// need `transfer.lz4` and are always `lz4`.
public enum ItemsCompression: Sendable, Hashable {
    case none
    case lz4
}
