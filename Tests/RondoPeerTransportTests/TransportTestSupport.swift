import Logging
import NIOConcurrencyHelpers
import NIOCore
import RondoCore
import RondoPeer
import RondoPeerTransport
import XCTest

/// Events recorded from any thread, and bounded waits for them.
final class EventLog<Event: Sendable>: Sendable {
    private let events = NIOLockedValueBox<[Event]>([])

    func append(_ event: Event) { events.withLockedValue { $0.append(event) } }

    var all: [Event] { events.withLockedValue { $0 } }

    /// The first recorded event `match` accepts, waiting at most `seconds`.
    func first<Value>(
        within seconds: Double = 5, file: StaticString = #filePath, line: UInt = #line, _ match: (Event) -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let value = all.lazy.compactMap(match).first { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTFail("no matching event within \(seconds) s; saw \(all)", file: file, line: line)
        throw CancellationError()
    }

    /// How many recorded events `match` accepts.
    func count(_ match: (Event) -> Bool) -> Int { all.filter(match).count }
}

enum TransportTestSupport {
    static let clusterName = "transport-test"

    static var logger: Logger {
        var logger = Logger(label: "transport-test")
        logger.logLevel = .critical
        return logger
    }

    static func hello(_ node: String, role: PeerRole = .node) -> Hello {
        Hello(clusterName: clusterName, nodeID: NodeID(node)!, role: role, build: .current, advertisedHost: "127.0.0.1", clientPort: 11211, peerPort: 7001)
    }

    static func policy(_ local: String = "listener") -> HandshakePolicy {
        HandshakePolicy(clusterName: clusterName, localNodeID: NodeID(local)!, isNodeIDInUse: { _ in false })
    }

    static func acceptance() -> HelloAccepted {
        HelloAccepted(
            protocolVersion: BuildInfo.current.protocolVersions.upperBound, connectionFeatures: [],
            acceptorNodeID: NodeID("listener")!, acceptorSoftwareVersion: BuildInfo.current.softwareVersion,
            clusterActiveVersion: ActiveVersion(protocolVersion: BuildInfo.current.protocolVersions.upperBound, features: []),
            clusterFinalizedVersion: nil)
    }

    static let fastBackoff = ReconnectBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))
}
