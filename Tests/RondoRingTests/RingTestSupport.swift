import RondoCore
import XCTest

@testable import RondoRing

func descriptors(_ count: Int, zones: Int = 0, firstID: UInt32 = 1) -> [NodeDescriptor] {
    (0..<count).map { index in
        NodeDescriptor(
            id: MemberID(firstID + UInt32(index)),
            zone: zones > 0 ? "zone\(index % zones)" : nil,
            host: zones > 0 ? "host\(index)" : nil)
    }
}

/// Every (vnode, slot) assignment of a table, for counting what changed.
func assignments(_ table: RoutingTable) -> [[MemberID]] {
    (0..<table.vnodeCount.value).map { table.replicas(of: $0) }
}

/// Data transfers between two tables: (vnode, node) pairs in `to` but not in `from`.
func transferCount(from: RoutingTable, to: RoutingTable) -> Int {
    var count = 0
    for vnode in 0..<from.vnodeCount.value {
        let before = Set(from.replicas(of: vnode))
        count += to.replicas(of: vnode).filter { !before.contains($0) }.count
    }
    return count
}

func assertValid(_ table: RoutingTable, _ context: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
    do {
        try table.validate()
    } catch {
        XCTFail("\(context()): \(error)", file: file, line: line)
    }
}
