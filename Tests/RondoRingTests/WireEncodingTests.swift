import RondoCore
import XCTest

@testable import RondoRing

final class WireEncodingTests: XCTestCase {
    private func sampleTable() throws -> RoutingTable {
        let nodes = descriptors(7, zones: 3) + [NodeDescriptor(id: MemberID(90))]
        return try RoutingTable.initial(vnodeCount: try VnodeCount(64), replicaCount: 3, nodes: nodes)
            .draining(MemberID(2))
    }

    private func assertDecodeFails(
        _ bytes: [UInt8], _ expected: RingDecodeError? = nil, file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            _ = try RoutingTable(decoding: bytes)
            XCTFail("decoded malformed bytes", file: file, line: line)
        } catch {
            if let expected { XCTAssertEqual(error, expected, file: file, line: line) }
        }
    }

    func testRoundTrip() throws {
        let table = try sampleTable()
        let decoded = try RoutingTable(decoding: table.encoded())
        XCTAssertEqual(decoded, table)
        XCTAssertEqual(decoded.encoded(), table.encoded())
        // The drain record survives the wire: activation on the receiving side restores exactly.
        XCTAssertEqual(assignments(try decoded.activating(MemberID(2))), assignments(try table.activating(MemberID(2))))
    }

    func testRoundTripLargeTable() throws {
        let table = try RoutingTable.initial(replicaCount: 3, nodes: descriptors(40))
        XCTAssertEqual(try RoutingTable(decoding: table.encoded()), table)
        XCTAssertEqual(table.encoded().count, 4 + 1 + 8 + 4 + 1 + 1 + 2 + 40 * 6 + 1024 * 3 * 2 + 2)
    }

    func testEveryTruncationThrows() throws {
        let bytes = try sampleTable().encoded()
        for length in 0..<bytes.count {
            assertDecodeFails(Array(bytes[0..<length]))
        }
    }

    func testHeaderErrors() throws {
        let bytes = try sampleTable().encoded()
        var wrongMagic = bytes
        wrongMagic[0] = 0
        assertDecodeFails(wrongMagic, .badMagic)
        var wrongVersion = bytes
        wrongVersion[4] = 2
        assertDecodeFails(wrongVersion, .unsupportedVersion(2))
        var badVnodes = bytes
        badVnodes[13] = 3
        assertDecodeFails(badVnodes, .vnodeCountInvalid(3))
        var badReplicas = bytes
        badReplicas[17] = 6
        assertDecodeFails(badReplicas, .fieldOutOfRange(field: "replica count", value: 6))
        var noMembers = bytes
        noMembers[19] = 0
        noMembers[20] = 0
        assertDecodeFails(noMembers, .fieldOutOfRange(field: "member count", value: 0))
        assertDecodeFails(bytes + [0], .trailingBytes(1))
    }

    func testDuplicateMembersAndBadIndicesThrow() throws {
        let table = try RoutingTable.initial(vnodeCount: try VnodeCount(4), replicaCount: 1, nodes: descriptors(2))
        let bytes = table.encoded()
        // Header is 21 bytes; each unlabelled member is id (4) + state (1) + flags (1).
        var duplicate = bytes
        duplicate[21 + 6] = bytes[21]
        assertDecodeFails(duplicate, .invalidTable(.membersNotSortedOrDuplicate(MemberID(1))))
        var outOfRange = bytes
        outOfRange[21 + 12] = 9
        assertDecodeFails(outOfRange, .memberIndexOutOfRange(9))
        var badState = bytes
        badState[21 + 4] = 7
        assertDecodeFails(badState, .unknownMemberState(7))
        var unbalanced = bytes
        unbalanced[21 + 12] = 1  // vnode 0 moves from member 0 to member 1: three against one
        assertDecodeFails(unbalanced)
    }

    func testRandomMutationsNeverCrash() throws {
        let seed: UInt64 = 0x5eed
        var random = SplitMix64(seed: seed)
        let bytes = try sampleTable().encoded()
        var accepted = 0
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 1: mutated.removeLast(Int.random(in: 0...min(8, mutated.count), using: &random))
                default: mutated.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...mutated.count, using: &random))
                }
            }
            if let decoded = try? RoutingTable(decoding: mutated) {
                accepted += 1
                XCTAssertNoThrow(try decoded.validate(), "seed \(seed)")
            }
        }
        XCTAssertLessThan(accepted, 3000, "seed \(seed): mutations must be caught")
    }
}
