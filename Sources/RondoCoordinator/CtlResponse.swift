/// The answer to a `CtlCommand`: `description` is what `rondo ctl` prints, `json` what
/// `rondo ctl --json` prints.
public enum CtlResponse: Sendable, Hashable, CustomStringConvertible {
    case done(String)
    case refused(CoordinatorError)
    case status(ClusterStatus)
    case nodes([NodeSummary])
    case ring(epoch: UInt64, text: String)
    case upgradePlan(UpgradePlan)
    case upgradeStatus(UpgradeStatus)

    public var description: String {
        switch self {
        case .done(let message): return message
        case .refused(let error): return "refused: \(error)"
        case .status(let status): return status.description
        case .nodes(let nodes): return nodes.map(\.description).joined(separator: "\n")
        case .ring(_, let text): return text
        case .upgradePlan(let plan): return plan.description
        case .upgradeStatus(let status): return status.description
        }
    }

    public var json: JSONValue {
        switch self {
        case .done(let message): return .object([("ok", .bool(true)), ("message", .string(message))])
        case .refused(let error): return .object([("ok", .bool(false)), ("error", .string(error.description))])
        case .status(let status): return status.json
        case .nodes(let nodes): return .array(nodes.map(\.json))
        case .ring(let epoch, let text): return .object([("epoch", .unsigned(epoch)), ("text", .string(text))])
        case .upgradePlan(let plan): return plan.json
        case .upgradeStatus(let status): return status.json
        }
    }
}
