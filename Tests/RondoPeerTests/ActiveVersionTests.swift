import RondoCore
import XCTest

@testable import RondoPeer

final class ActiveVersionTests: XCTestCase {
    private typealias T = PeerTestSupport

    func testNewestProtocolAndFeaturesEveryMemberSupports() {
        let old = T.build("0.1.0", protocols: 1...2, features: [.replicationV1, .transferLZ4])
        let new = T.build("0.2.0", protocols: 1...3, features: [.replicationV1, .transferLZ4, .replicationLZ4Batches])
        XCTAssertEqual(
            ActiveVersion.compute(members: [old, new, new], finalizedVersion: nil),
            .success(ActiveVersion(protocolVersion: 2, features: [.replicationV1, .transferLZ4])))
        XCTAssertEqual(
            ActiveVersion.compute(members: [new, new], finalizedVersion: T.version("0.2.0")),
            .success(ActiveVersion(protocolVersion: 3, features: [.replicationV1, .transferLZ4, .replicationLZ4Batches])),
            "the gated feature turns on once the last old member is gone")
    }

    func testNoAnswerWithoutMembersOrACommonVersion() {
        XCTAssertEqual(ActiveVersion.compute(members: [], finalizedVersion: nil), .failure(.noMembers))
        XCTAssertEqual(
            ActiveVersion.compute(members: [T.build("0.1.0", protocols: 1...1), T.build("0.2.0", protocols: 2...2)], finalizedVersion: nil),
            .failure(.noCommonProtocolVersion))
    }

    func testMemberBelowFinalizedIsReported() {
        XCTAssertEqual(
            ActiveVersion.compute(members: [T.build("0.1.0"), T.build("0.2.0")], finalizedVersion: T.version("0.2.0")),
            .failure(.memberBelowFinalized(T.version("0.1.0"), finalized: T.version("0.2.0"))))
    }
}
