import NIOCore

/// How the answer to a forwarded request reaches whoever asked: a promise (flush_all's fan-out, a
/// rerouted write, a client loop other than the cluster loop), or the callback of a client
/// connection on the cluster loop itself (with `--threads 1`, every one), which costs no promise,
/// future or callback list per request. Completed once, on the cluster loop.
enum ForwardCompletion {
    case promise(EventLoopPromise<ByteBuffer>)
    /// The client connection's own callback; what the client will see as an error is counted in
    /// `counters` first. One case rather than a counting closure around the callback: that
    /// closure was an allocation and an indirect call per forwarded request.
    case callback((Result<ByteBuffer, any Error>) -> Void, counters: ClientRequestCounters)

    func succeed(_ reply: ByteBuffer) {
        switch self {
        case .promise(let promise): promise.succeed(reply)
        case .callback(let callback, let counters):
            counters.count(.success(reply))
            callback(.success(reply))
        }
    }

    func fail(_ error: any Error) {
        switch self {
        case .promise(let promise): promise.fail(error)
        case .callback(let callback, let counters):
            counters.requestFailed()
            callback(.failure(error))
        }
    }
}
