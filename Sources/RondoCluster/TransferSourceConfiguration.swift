import RondoPeer

/// How a transfer source cuts a vnode into batches.
public struct TransferSourceConfiguration: Sendable, Hashable {
    /// Uncompressed body bytes per batch; a single larger item travels alone.
    public var batchBytesMax: Int
    /// Items one `ItemStore.exportVnode` step returns at most.
    public var itemsPerExportStepMax: Int
    /// Export steps one batch may take (a step can return no items: it scans a bounded range).
    public var exportStepsPerBatchMax: Int
    /// How batch bodies travel (`rondo node --transfer-compression`).
    public var compression: ItemsCompression

    public init(
        batchBytesMax: Int = 256 << 10, itemsPerExportStepMax: Int = 128, exportStepsPerBatchMax: Int = 64,
        compression: ItemsCompression = .lz4
    ) {
        precondition(batchBytesMax >= 1 && itemsPerExportStepMax >= 1 && exportStepsPerBatchMax >= 1)
        self.batchBytesMax = batchBytesMax
        self.itemsPerExportStepMax = itemsPerExportStepMax
        self.exportStepsPerBatchMax = exportStepsPerBatchMax
        self.compression = compression
    }
}
