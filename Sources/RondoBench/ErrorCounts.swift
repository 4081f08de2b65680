/// One counter per `BenchErrorKind`.
public struct ErrorCounts: Equatable, Sendable, Codable {
    public var error: UInt64 = 0
    public var clientError: UInt64 = 0
    public var serverError: UInt64 = 0
    public var notStored: UInt64 = 0
    public var protocolViolation: UInt64 = 0
    public var connectionLost: UInt64 = 0

    public init() {}

    public var total: UInt64 {
        BenchErrorKind.allCases.reduce(0) { $0 + self[$1] }
    }

    public subscript(kind: BenchErrorKind) -> UInt64 {
        get {
            switch kind {
            case .error: error
            case .clientError: clientError
            case .serverError: serverError
            case .notStored: notStored
            case .protocolViolation: protocolViolation
            case .connectionLost: connectionLost
            }
        }
        set {
            switch kind {
            case .error: error = newValue
            case .clientError: clientError = newValue
            case .serverError: serverError = newValue
            case .notStored: notStored = newValue
            case .protocolViolation: protocolViolation = newValue
            case .connectionLost: connectionLost = newValue
            }
        }
    }

    public mutating func add(_ other: ErrorCounts) {
        for kind in BenchErrorKind.allCases {
            self[kind] += other[kind]
        }
    }
}
