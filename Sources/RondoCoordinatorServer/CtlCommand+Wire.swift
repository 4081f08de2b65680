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
        }
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
