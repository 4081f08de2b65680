import RondoCore
import RondoPeer
import RondoRing

/// Sections 2 (members), 5 (holders), 6 (copies) and 7 (drops) of the persisted form.
extension CoordinatorState {
    private static let featuresMax = PeerProtocolLimits.featuresPerMessageMax

    func encodeMembers(into writer: inout StateWriter) {
        writer.write(UInt32(members.count))
        for record in members.values.sorted(by: { $0.nodeID < $1.nodeID }) {
            writer.writeString(record.nodeID.rawValue)
            writer.writeBool(record.memberID != nil)
            if let id = record.memberID { writer.write(id.value) }
            for address in [record.addresses.client, record.addresses.peer] {
                writer.writeString(address.host)
                writer.write(address.port)
            }
            writeVersionFields(record.build.softwareVersion, into: &writer)
            writer.write(record.build.protocolVersions.lowerBound)
            writer.write(record.build.protocolVersions.upperBound)
            writer.write(UInt16(record.build.features.count))
            for feature in record.build.features.sorted() { writer.writeString(feature.rawValue) }
            writer.write(Self.stateCode(record.state))
            writer.write(record.acknowledgedEpoch)
            writer.write(UInt32(record.appliedSequences.count))
            for (vnode, sequence) in record.appliedSequences.sorted(by: { $0.key < $1.key }) {
                writer.write(UInt32(vnode))
                writer.write(sequence)
            }
        }
    }

    mutating func decodeMembers(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) {
        let count = try reader.readCount(max: RingLimits.membersMax, itemBytesMin: 40, field: "member count")
        for _ in 0..<count {
            let rawID = try reader.readString(bytesMax: NodeID.bytesMax, field: "node id")
            guard let nodeID = NodeID(rawID) else { throw .fieldOutOfRange(field: "node id", value: rawID.utf8.count) }
            guard members[nodeID] == nil else { throw .fieldOutOfRange(field: "duplicate node id", value: 0) }
            let memberID = try reader.readBool(field: "member id flag") ? MemberID(try reader.read(UInt32.self)) : nil
            let client = try Self.readAddress(&reader)
            let peer = try Self.readAddress(&reader)
            let version = try Self.readVersionFields(&reader)
            let low = try reader.read(UInt16.self)
            let high = try reader.read(UInt16.self)
            guard low <= high else { throw .fieldOutOfRange(field: "protocol versions", value: Int(low)) }
            let featureCount = Int(try reader.read(UInt16.self))
            guard featureCount <= Self.featuresMax else { throw .fieldOutOfRange(field: "feature count", value: featureCount) }
            var features: Set<FeatureName> = []
            for _ in 0..<featureCount {
                let raw = try reader.readString(bytesMax: FeatureName.bytesMax, field: "feature")
                guard let feature = FeatureName(raw) else { throw .fieldOutOfRange(field: "feature", value: raw.utf8.count) }
                features.insert(feature)
            }
            let state = try Self.state(code: try reader.read(UInt8.self))
            var record = MemberRecord(
                nodeID: nodeID, memberID: memberID, addresses: MemberAddresses(client: client, peer: peer),
                build: BuildInfo(softwareVersion: version, protocolVersions: low...high, features: features),
                state: state, acknowledgedEpoch: try reader.read(UInt64.self))
            let sequenceCount = try reader.readCount(max: vnodeCount.value, itemBytesMin: 12, field: "sequence count")
            for _ in 0..<sequenceCount {
                let vnode = Int(try reader.read(UInt32.self))
                guard vnode < vnodeCount.value else { throw .fieldOutOfRange(field: "sequence vnode", value: vnode) }
                record.appliedSequences[vnode] = try reader.read(UInt64.self)
            }
            members[nodeID] = record
            if let memberID {
                guard nodeIDsByMember[memberID] == nil else { throw .fieldOutOfRange(field: "duplicate member id", value: Int(memberID.value)) }
                assign(memberID, to: nodeID)
            }
        }
    }

    func encodeHolders(into writer: inout StateWriter) {
        writer.write(UInt32(holderDeviations.count))
        for (vnode, holders) in holderDeviations.sorted(by: { $0.key < $1.key }) {
            writer.write(UInt32(vnode))
            writer.write(UInt16(holders.count))
            for member in holders.sorted() { writer.write(member.value) }
        }
    }

    mutating func decodeHolders(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) {
        let count = try reader.readCount(max: vnodeCount.value, itemBytesMin: 6, field: "holder vnode count")
        for _ in 0..<count {
            let vnode = try readVnode(&reader)
            let memberCount = Int(try reader.read(UInt16.self))
            guard memberCount <= RingLimits.membersMax, holderDeviations[vnode] == nil else {
                throw .fieldOutOfRange(field: "holder count", value: memberCount)
            }
            var holders: Set<MemberID> = []
            for _ in 0..<memberCount { holders.insert(MemberID(try reader.read(UInt32.self))) }
            holderDeviations[vnode] = holders
        }
    }

    func encodeCopies(into writer: inout StateWriter) {
        writer.write(UInt32(copies.count))
        for (replica, progress) in copies.sorted(by: { $0.key < $1.key }) {
            writer.write(UInt32(replica.vnode))
            writer.write(replica.member.value)
            switch progress {
            case .waiting(let attempts):
                writer.write(UInt8(0))
                writer.write(UInt16(attempts))
            case .inFlight(let transfer):
                writer.write(UInt8(1))
                writer.write(UInt16(transfer.attempt))
                writer.write(transfer.source.value)
                writer.write(transfer.startedAtMilliseconds)
                writer.write(transfer.bytesPerSecond)
            case .failed(let attempts, let failedAt):
                writer.write(UInt8(2))
                writer.write(UInt16(attempts))
                writer.write(failedAt)
            }
        }
    }

    mutating func decodeCopies(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) {
        let max = vnodeCount.value * RingLimits.replicaCountMax * 2
        let count = try reader.readCount(max: max, itemBytesMin: 11, field: "copy count")
        for _ in 0..<count {
            let replica = VnodeReplica(vnode: try readVnode(&reader), member: MemberID(try reader.read(UInt32.self)))
            let kind = try reader.read(UInt8.self)
            let attempts = Int(try reader.read(UInt16.self))
            guard copies[replica] == nil, attempts <= 100 else { throw .fieldOutOfRange(field: "copy attempts", value: attempts) }
            switch kind {
            case 0: copies[replica] = .waiting(attempts: attempts)
            case 1:
                let source = MemberID(try reader.read(UInt32.self))
                let started = try reader.read(Int64.self)
                let rate = try reader.read(UInt64.self)
                guard attempts >= 1 else { throw .fieldOutOfRange(field: "transfer attempt", value: attempts) }
                copies[replica] = .inFlight(
                    InFlightTransfer(source: source, startedAtMilliseconds: started, attempt: attempts, bytesPerSecond: rate))
            case 2: copies[replica] = .failed(attempts: attempts, atMilliseconds: try reader.read(Int64.self))
            default: throw .fieldOutOfRange(field: "copy kind", value: Int(kind))
            }
        }
    }

    func encodeDrops(into writer: inout StateWriter) {
        writer.write(UInt32(pendingDrops.count))
        for (replica, drop) in pendingDrops.sorted(by: { $0.key < $1.key }) {
            writer.write(UInt32(replica.vnode))
            writer.write(replica.member.value)
            writer.write(drop.epoch)
        }
    }

    mutating func decodeDrops(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) {
        let max = vnodeCount.value * RingLimits.membersMax
        let count = try reader.readCount(max: max, itemBytesMin: 16, field: "drop count")
        for _ in 0..<count {
            let replica = VnodeReplica(vnode: try readVnode(&reader), member: MemberID(try reader.read(UInt32.self)))
            guard pendingDrops[replica] == nil else { throw .fieldOutOfRange(field: "duplicate drop", value: replica.vnode) }
            pendingDrops[replica] = PendingDrop(replica: replica, epoch: try reader.read(UInt64.self))
        }
    }

    private func readVnode(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> Int {
        let vnode = Int(try reader.read(UInt32.self))
        guard vnode < vnodeCount.value else { throw .fieldOutOfRange(field: "vnode", value: vnode) }
        return vnode
    }

    private static func readAddress(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> NodeAddress {
        let host = try reader.readString(bytesMax: NodeAddress.hostBytesMax, field: "host")
        return NodeAddress(host: host, port: try reader.read(UInt16.self))
    }

    func writeVersionFields(_ version: SemanticVersion, into writer: inout StateWriter) {
        writer.write(UInt32(clamping: version.major))
        writer.write(UInt32(clamping: version.minor))
        writer.write(UInt32(clamping: version.patch))
    }

    static func readVersionFields(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> SemanticVersion {
        SemanticVersion(
            major: Int(try reader.read(UInt32.self)), minor: Int(try reader.read(UInt32.self)),
            patch: Int(try reader.read(UInt32.self)))
    }

    private static func stateCode(_ state: MembershipState) -> UInt8 {
        switch state {
        case .candidate: return 0
        case .joining: return 1
        case .active: return 2
        case .draining(released: false): return 3
        case .draining(released: true): return 4
        case .down: return 5
        case .left: return 6
        }
    }

    private static func state(code: UInt8) throws(CoordinatorStateDecodeError) -> MembershipState {
        switch code {
        case 0: return .candidate
        case 1: return .joining
        case 2: return .active
        case 3: return .draining(released: false)
        case 4: return .draining(released: true)
        case 5: return .down
        case 6: return .left
        default: throw .fieldOutOfRange(field: "membership state", value: Int(code))
        }
    }
}
