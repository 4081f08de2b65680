/// Why the bytes of `CoordinatorState.upgrade` were refused as an `UpgradeRun`. Never a trap:
/// the coordinator keeps the bytes untouched, reports this and refuses upgrade commands that
/// would overwrite them.
public enum UpgradeStateDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedFormat(UInt16)
    case malformed(CoordinatorStateDecodeError)

    public var description: String {
        switch self {
        case .unsupportedFormat(let version):
            return "upgrade state format \(version) is unknown to this coordinator (written by a newer release?)"
        case .malformed(let error): return "upgrade state is corrupt: \(error)"
        }
    }
}
