import RondoCoordinator
import RondoPeer

extension CtlCommand {
    /// The coordinator's command for a request from the wire.
    init(_ command: CtlRequest.Command) {
        switch command {
        case .join(let node): self = .join(node)
        case .release(let node): self = .release(node)
        case .leave(let node): self = .leave(node)
        case .status: self = .status
        case .nodes: self = .nodes
        case .ring: self = .ring
        case .setTransferLimits(let concurrency, let rate):
            self = .setTransferLimits(concurrencyPerNode: Int(concurrency), bytesPerSecond: rate)
        case .upgradePlan(let parameters): self = .upgradePlan(UpgradeRequest(parameters))
        case .upgradeStart(let parameters): self = .upgradeStart(UpgradeRequest(parameters))
        case .upgradeStatus: self = .upgradeStatus
        case .upgradePause: self = .upgradePause
        case .upgradeResume: self = .upgradeResume
        case .upgradeAbort: self = .upgradeAbort
        case .upgradeRollback(let path): self = .upgradeRollback(binaryPath: path)
        case .upgradeFinalize: self = .upgradeFinalize
        }
    }
}

extension UpgradeRequest {
    /// The coordinator's request for the wire's parameters; step times not given are the defaults.
    init(_ parameters: CtlUpgradeParameters) {
        var limits = UpgradeLimits.default
        if let timeout = parameters.restartTimeoutMilliseconds {
            limits.restartMilliseconds = Int64(clamping: timeout)
        }
        self.init(
            targetVersion: parameters.targetVersion, binaryPath: parameters.binaryPath,
            strategy: parameters.batchSize.map { .group(batchSize: Int($0)) } ?? .atomic,
            restartMode: parameters.restartMode, autoFinalize: parameters.autoFinalize, limits: limits)
    }
}

extension CtlReply {
    /// The wire answer for a coordinator response.
    init(requestID: UInt64, _ response: CtlResponse) {
        var ok = true
        if case .refused = response { ok = false }
        self.init(requestID: requestID, ok: ok, text: response.description, json: response.json.description)
    }
}
