/// A shard's answer to a lookup: the view with the value still in stored form, so that
/// decompression runs after the shard's lock is released.
struct FetchedItem: Sendable {
    var view: ItemView
    var isCompressed: Bool
}
