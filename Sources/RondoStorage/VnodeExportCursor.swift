/// Where the next `ItemStore.exportVnode` call continues. Opaque to callers.
public struct VnodeExportCursor: Sendable, Equatable {
    /// The vnode member list's generation the position refers to (see `VnodeItems`).
    let generation: UInt64
    let position: Int
}
