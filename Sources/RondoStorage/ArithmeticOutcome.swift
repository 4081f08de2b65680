public enum ArithmeticOutcome: Sendable, Equatable {
    case value(UInt64, cas: UInt64)
    case notFound
    case nonNumeric
    case exists
    case outOfMemory
}
