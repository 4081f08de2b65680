/// How an item is written.
public enum StoreMode: Sendable, Equatable {
    case set, add, replace, append, prepend
}
