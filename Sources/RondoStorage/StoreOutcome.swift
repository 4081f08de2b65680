public enum StoreOutcome: Sendable, Equatable {
    case stored(cas: UInt64)
    case notStored  // add on present key; replace/append/prepend on missing key
    case exists  // compare-CAS mismatch
    case notFound  // compare-CAS on a missing key
    case tooLarge  // value above the configured maximum item size
    case outOfMemory  // memory limit reached and eviction is off (or nothing evictable)
}
