/// Why a `BenchConfiguration` was rejected; the message names the flag so the CLI can show it as is.
public enum BenchConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidServer(String, reason: String)
    case outOfRange(flag: String, value: String, allowed: String)
    case invalidKeyPrefix(String, reason: String)

    public var description: String {
        switch self {
        case .invalidServer(let text, let reason):
            return "--servers: '\(text)' is not a server address: \(reason)"
        case .outOfRange(let flag, let value, let allowed):
            return "\(flag) \(value) is out of range: allowed \(allowed)"
        case .invalidKeyPrefix(let prefix, let reason):
            return "--key-prefix '\(prefix)': \(reason)"
        }
    }
}
