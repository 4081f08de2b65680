/// The forwarding side of one request after an owner answered `notOwner(epoch)`: the tables
/// disagree, so wait for the newer one (ours if theirs is newer, theirs if ours is newer) and
/// resend, within `attemptsMax` sends and `tableWaitMilliseconds` of waiting for a table.
///
/// Guarantees: at most `attemptsMax` sends; every wait ends (`tick` fails the request once its
/// deadline passes); after `.fail` or `replied` every event answers `.wait`.
public struct ForwardRetry: Sendable {
    private enum State {
        case inFlight
        case awaitingTable(epoch: UInt64, deadline: ClusterInstant)
        case backingOff(until: ClusterInstant)
        case finished
    }

    public let limits: ForwardRetryLimits
    private var state = State.inFlight
    public private(set) var attempts = 1

    /// Made when the request is first sent.
    public init(limits: ForwardRetryLimits = ForwardRetryLimits()) {
        self.limits = limits
    }

    /// The owner answered `notOwner`; `ownerEpoch` is its table's epoch, `localEpoch` ours.
    /// `localRouteDiffers`: our table now sends the request elsewhere than where it went — it was
    /// routed with an older copy of the table (a client loop's snapshot), so it goes again at
    /// once; waiting for a table newer than one we already have could only end in a timeout.
    public mutating func notOwner(
        ownerEpoch: UInt64, localEpoch: UInt64, localRouteDiffers: Bool = false, now: ClusterInstant
    ) -> ForwardRetryAction {
        guard case .inFlight = state else { return .wait }
        guard attempts < limits.attemptsMax else { return fail(.notOwnerRetriesExhausted(attempts: attempts)) }
        if localRouteDiffers && ownerEpoch <= localEpoch { return resend() }
        if ownerEpoch < localEpoch {
            // The owner has not seen our table yet; it will, so resend after a pause.
            state = .backingOff(until: now.adding(milliseconds: limits.backoffMilliseconds))
            return .wait
        }
        // Theirs is newer, or equal and yet we disagree on the owner: we need a newer table.
        let needed = ownerEpoch > localEpoch ? ownerEpoch : localEpoch + 1
        state = .awaitingTable(epoch: needed, deadline: now.adding(milliseconds: limits.tableWaitMilliseconds))
        return .awaitTable(atLeast: needed)
    }

    /// The node installed a table of `epoch`.
    public mutating func tableInstalled(epoch: UInt64, now: ClusterInstant) -> ForwardRetryAction {
        guard case .awaitingTable(let needed, _) = state, epoch >= needed else { return .wait }
        return resend()
    }

    public mutating func tick(now: ClusterInstant) -> ForwardRetryAction {
        switch state {
        case .awaitingTable(let needed, let deadline):
            return now >= deadline ? fail(.tableWaitTimedOut(neededEpoch: needed)) : .wait
        case .backingOff(let until):
            return now >= until ? resend() : .wait
        case .inFlight, .finished:
            return .wait
        }
    }

    /// The reply came: nothing more to do.
    public mutating func replied() {
        state = .finished
    }

    private mutating func resend() -> ForwardRetryAction {
        attempts += 1
        state = .inFlight
        return .resend
    }

    private mutating func fail(_ error: RoutingError) -> ForwardRetryAction {
        state = .finished
        return .fail(error)
    }
}
