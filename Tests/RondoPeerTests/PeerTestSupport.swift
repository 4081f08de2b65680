import NIOCore
import RondoCore
import XCTest

@testable import RondoPeer

/// Shared builders for the peer tests: one place that says what a "normal" hello and policy are.
enum PeerTestSupport {
    static let clusterName = "test-cluster"

    static func version(_ text: String) -> SemanticVersion { SemanticVersion(text)! }

    static func nodeID(_ text: String) -> NodeID { NodeID(text)! }

    static func feature(_ text: String) -> FeatureName { FeatureName(text)! }

    static func build(
        _ version: String, protocols: ClosedRange<UInt16> = 1...1, features: Set<FeatureName> = [.replicationV1, .transferLZ4]
    ) -> BuildInfo {
        BuildInfo(softwareVersion: Self.version(version), protocolVersions: protocols, features: features)
    }

    static func hello(
        node: String = "node-2", cluster: String = clusterName, role: PeerRole = .node, build: BuildInfo = build("0.1.0")
    ) -> Hello {
        Hello(
            clusterName: cluster, nodeID: nodeID(node), role: role, build: build,
            advertisedHost: "10.0.0.2", clientPort: 11211, peerPort: 11311)
    }

    static func policy(
        local: BuildInfo = build("0.1.0"),
        members: [String] = [],
        finalized: String? = nil,
        skew: Int = 1,
        inUse: Set<String> = []
    ) -> HandshakePolicy {
        let ids = Set(inUse.map(nodeID))
        return HandshakePolicy(
            clusterName: clusterName, localNodeID: nodeID("node-1"), build: local,
            memberSoftwareVersions: members.map(version), finalizedVersion: finalized.map(version),
            minorVersionSkewMax: skew, isNodeIDInUse: { ids.contains($0) })
    }

    static func bytes(_ frames: [PeerFrame]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for frame in frames { frame.write(into: &buffer) }
        return buffer
    }

    /// Encodes `message`, decodes the bytes with `PeerFrameDecoder` and then as `Message`.
    /// Also checks that the direct encoding (`encode(into:)`, the send path) writes exactly the
    /// bytes of the collected frame (`frame().write(into:)`), after what the buffer held.
    static func roundTrip<Message: PeerMessage>(_ message: Message) throws -> Message {
        var viaFrame = ByteBuffer(string: "head")
        message.frame().write(into: &viaFrame)
        var direct = ByteBuffer(string: "head")
        let frameBytes = message.encode(into: &direct)
        XCTAssertEqual(direct, viaFrame, "encode(into:) and frame().write(into:) differ for \(Message.self)")
        XCTAssertEqual(frameBytes, message.frame().encodedBytes)
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        var decoder = PeerFrameDecoder()
        let frame = try XCTUnwrap(decoder.decode(buffer: &buffer))
        XCTAssertEqual(buffer.readableBytes, 0, "one message is one frame")
        return try Message(decoding: frame)
    }

    /// The error `body` throws, or a failure when it does not throw one.
    static func protocolError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> PeerProtocolError? {
        do {
            try body()
            XCTFail("expected a PeerProtocolError", file: file, line: line)
            return nil
        } catch let error as PeerProtocolError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }
}
