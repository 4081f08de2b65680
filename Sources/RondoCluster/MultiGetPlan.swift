/// A multi-key get split by destination: one group per destination, in order of the first key
/// that goes there, each listing its keys' positions in the request. `merge` puts the groups'
/// per-key results back in request order.
public struct MultiGetPlan: Sendable, Hashable {
    public struct Group: Sendable, Hashable {
        public var destination: RouteDecision
        /// Positions in the request, ascending.
        public var keyIndices: [Int]
    }

    public let groups: [Group]
    public let keyCount: Int

    init(groups: [Group], keyCount: Int) {
        self.groups = groups
        self.keyCount = keyCount
    }

    /// `groupResults[g][i]` is the result of key `groups[g].keyIndices[i]`; returns one result per
    /// requested key, in request order.
    public func merge<Result>(_ groupResults: [[Result]]) throws(RoutingError) -> [Result] {
        guard groupResults.count == groups.count else {
            throw .resultCountMismatch(group: -1, expected: groups.count, received: groupResults.count)
        }
        var merged = [Result?](repeating: nil, count: keyCount)
        for (index, group) in groups.enumerated() {
            guard groupResults[index].count == group.keyIndices.count else {
                throw .resultCountMismatch(group: index, expected: group.keyIndices.count, received: groupResults[index].count)
            }
            for (position, result) in zip(group.keyIndices, groupResults[index]) {
                merged[position] = result
            }
        }
        // Every position belongs to exactly one group (the plan is built that way).
        return merged.map { $0! }
    }
}
