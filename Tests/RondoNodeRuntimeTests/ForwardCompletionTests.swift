import NIOCore
import XCTest

@testable import RondoNodeRuntime

/// A forward answered through a client connection's callback counts what the client will see as
/// an error (the heartbeat's error rate) and then calls back with the same result.
final class ForwardCompletionTests: XCTestCase {
    private struct Refused: Error {}

    func testTheCallbackCaseCountsFailuresAndRelayedServerErrorsOnly() {
        let counters = ClientRequestCounters()
        var delivered: [String] = []
        let completion = ForwardCompletion.callback(
            { result in
                switch result {
                case .success(let reply): delivered.append(String(buffer: reply))
                case .failure: delivered.append("failure")
                }
            }, counters: counters)

        completion.succeed(ByteBuffer(string: "VALUE k 0 1\r\nx\r\nEND\r\n"))
        XCTAssertEqual(counters.errors, 0)
        completion.succeed(ByteBuffer(string: "SERVER_ERROR out of memory\r\n"))
        XCTAssertEqual(counters.errors, 1)
        completion.fail(Refused())
        XCTAssertEqual(counters.errors, 2)
        XCTAssertEqual(delivered, ["VALUE k 0 1\r\nx\r\nEND\r\n", "SERVER_ERROR out of memory\r\n", "failure"])
    }
}
