public enum EvictionPolicy: String, Sendable, CaseIterable {
    case none, lru
}
