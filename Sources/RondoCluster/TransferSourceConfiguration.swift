import RondoPeer

/// How a transfer source cuts a vnode into batches.
public struct TransferSourceConfiguration: Sendable, Hashable {
    /// Uncompressed body bytes per batch; a single larger item travels alone. A batch is exported,
    /// compressed, and on the target decompressed and imported in one go on a cluster loop that
    /// also serves forwarded requests, so this bounds how long one batch holds that loop: 32 KiB
    /// (≈ 0.1–0.3 ms) instead of the earlier 256 KiB, whose holds set the p99 of a rolling upgrade
    /// (docs/rolling-upgrade.md, "What the traces show").
    public var batchBytesMax: Int
    /// Items one `ItemStore.exportVnode` step returns at most.
    public var itemsPerExportStepMax: Int
    /// Export steps one batch may take (a step can return no items: it scans a bounded range).
    public var exportStepsPerBatchMax: Int
    /// How batch bodies travel (`rondo node --transfer-compression`).
    public var compression: ItemsCompression

    public static let batchBytesDefault = 32 << 10
    /// `rondo node --transfer-batch-bytes` accepts up to this: far below the peer frame limit.
    public static let batchBytesLimit = 4 << 20

    public init(
        batchBytesMax: Int = batchBytesDefault, itemsPerExportStepMax: Int = 128, exportStepsPerBatchMax: Int = 64,
        compression: ItemsCompression = .lz4
    ) {
        precondition(batchBytesMax >= 1 && itemsPerExportStepMax >= 1 && exportStepsPerBatchMax >= 1)
        self.batchBytesMax = batchBytesMax
        self.itemsPerExportStepMax = itemsPerExportStepMax
        self.exportStepsPerBatchMax = exportStepsPerBatchMax
        self.compression = compression
    }
}
