import NIOCore
import RondoProtocol

/// A multi-key `get`/`gets`/`gat`/`gats` whose keys have more than one route: one sub-request per
/// route (local or a destination), in order of each route's first key, and the merge of their
/// replies back into the client's key order with one END.
struct RetrievalSplit {
    struct Group {
        var route: GatewayRoute
        /// The group's keys, space-separated, in request order: a `KeyList` line.
        var keyLine: ByteBuffer
    }

    private(set) var groups: [Group] = []
    /// The request's keys in order, and the group each one belongs to.
    private var keys: [ByteBuffer] = []
    private var groupOfKey: [Int] = []

    init(keys keyList: KeyList, route: (ByteBuffer) -> GatewayRoute) {
        for key in keyList {
            let keyRoute = route(key)
            let groupIndex: Int
            if let existing = groups.firstIndex(where: { $0.route == keyRoute }) {
                groupIndex = existing
                groups[groupIndex].keyLine.writeInteger(UInt8(ascii: " "))
            } else {
                groupIndex = groups.count
                groups.append(Group(route: keyRoute, keyLine: ByteBuffer()))
            }
            groups[groupIndex].keyLine.writeImmutableBuffer(key)
            keys.append(key)
            groupOfKey.append(groupIndex)
        }
    }

    /// The first group no member can serve, if any: the whole command then fails.
    var unavailableReason: String? {
        for group in groups {
            if case .unavailable(let reason) = group.route { return reason }
        }
        return nil
    }

    /// The retrieval restricted to one group's keys.
    func subrequest(_ groupIndex: Int, of request: RetrievalRequest) -> RetrievalRequest {
        RetrievalRequest(command: request.command, exptime: request.exptime, keys: KeyList(line: groups[groupIndex].keyLine))
    }

    /// Merges one reply per group (same order as `groups`) into the client's reply: the hits in
    /// the client's key order, then END. Any group that failed or answered something else than
    /// VALUE blocks + END fails the whole merge, so the client never sees a partial reply.
    func merge(_ replies: [ByteBuffer], into out: inout ByteBuffer) throws(RetrievalReplyError) {
        guard replies.count == groups.count else { throw .malformed }
        var parsed: [RetrievalReply] = []
        parsed.reserveCapacity(replies.count)
        for reply in replies { parsed.append(try RetrievalReply(parsing: reply)) }
        // A group's hits come in its keys' order, misses left out: walk the client's keys and take
        // the next block of the key's group when it is that key.
        var cursors = [Int](repeating: 0, count: groups.count)
        var merged = ByteBuffer()
        for (key, groupIndex) in zip(keys, groupOfKey) {
            let cursor = cursors[groupIndex]
            let blocks = parsed[groupIndex].blocks
            guard cursor < blocks.count, blocks[cursor].key == key else { continue }
            merged.writeImmutableBuffer(blocks[cursor].bytes)
            cursors[groupIndex] = cursor + 1
        }
        for (groupIndex, cursor) in cursors.enumerated() where cursor != parsed[groupIndex].blocks.count {
            throw .unexpectedKey
        }
        out.writeBuffer(&merged)
        out.writeLine("END")
    }
}
