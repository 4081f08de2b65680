import RondoCore

/// The acceptor's admission rules for a `Hello`, as a pure function of the cluster state it is
/// given. Checks run in this order and the first failure is the refusal:
///
/// 1. cluster name equal to ours (`wrongCluster`);
/// 2. not below the finalized release line (`downgradeBelowFinalized`);
/// 3. inside the skew window (`versionOutsideSkew`, naming the window);
/// 4. a protocol version both sides speak (`noCommonProtocolVersion`);
/// 5. for nodes and coordinators, a node id no live member uses (`duplicateNodeID`).
///
/// Skew: every pair of members stays within `minorVersionSkewMax` minor versions of one major, so
/// a peer is admitted when it is within that distance of both the newest and the oldest member.
/// With the default of 1 and every member at 0.2, the window is 0.1.x through 0.3.x: one behind
/// (rollback) and one ahead (upgrade) are accepted, two behind are refused. After finalize at 0.2
/// the window starts at 0.2.x. Versions of another major are always outside the window.
public struct HandshakePolicy: Sendable {
    public var clusterName: String
    public var localNodeID: NodeID
    public var build: BuildInfo
    /// Software versions of the cluster's current members as the acceptor knows them. The
    /// acceptor's own version always counts, so an empty list means "just us".
    public var memberSoftwareVersions: [SemanticVersion]
    public var clusterActiveVersion: ActiveVersion
    public var finalizedVersion: SemanticVersion?
    public var minorVersionSkewMax: Int
    /// Whether a live member already uses this id. A closure because membership changes while
    /// connections are being accepted; called on the connection's event loop.
    public var isNodeIDInUse: @Sendable (NodeID) -> Bool

    public init(
        clusterName: String,
        localNodeID: NodeID,
        build: BuildInfo = .current,
        memberSoftwareVersions: [SemanticVersion] = [],
        clusterActiveVersion: ActiveVersion? = nil,
        finalizedVersion: SemanticVersion? = nil,
        minorVersionSkewMax: Int = 1,
        isNodeIDInUse: @escaping @Sendable (NodeID) -> Bool
    ) {
        precondition(minorVersionSkewMax >= 0, "a negative skew admits nothing")
        self.clusterName = clusterName
        self.localNodeID = localNodeID
        self.build = build
        self.memberSoftwareVersions = memberSoftwareVersions
        self.clusterActiveVersion = clusterActiveVersion
            ?? ActiveVersion(protocolVersion: build.protocolVersions.upperBound, features: build.features)
        self.finalizedVersion = finalizedVersion
        self.minorVersionSkewMax = minorVersionSkewMax
        self.isNodeIDInUse = isNodeIDInUse
    }

    /// The software versions this acceptor admits now.
    public var acceptedVersions: AcceptedVersionWindow {
        let all = memberSoftwareVersions + [build.softwareVersion]
        let newest = all.max()!
        // Members of another major should not exist (the window never admits them); ignore them
        // rather than let them empty the window.
        let oldest = all.filter { $0.major == newest.major }.min()!
        var lowestMinor = max(0, newest.minor - minorVersionSkewMax)
        let highestMinor = max(oldest.minor + minorVersionSkewMax, lowestMinor)
        if let finalizedVersion, finalizedVersion.major == newest.major {
            lowestMinor = min(max(lowestMinor, finalizedVersion.minor), highestMinor)
        }
        return AcceptedVersionWindow(major: newest.major, minors: lowestMinor...highestMinor)
    }

    public func decide(_ hello: Hello) -> HandshakeDecision {
        guard hello.clusterName == clusterName else {
            return .refuse(.wrongCluster(expected: clusterName, got: hello.clusterName))
        }
        let peerVersion = hello.build.softwareVersion
        if let finalizedVersion, peerVersion.isOlderReleaseLine(than: finalizedVersion) {
            return .refuse(.downgradeBelowFinalized(peer: peerVersion, finalized: finalizedVersion))
        }
        let window = acceptedVersions
        guard window.contains(peerVersion) else {
            return .refuse(.versionOutsideSkew(peer: peerVersion, accepted: window))
        }
        let ours = build.protocolVersions
        let theirs = hello.build.protocolVersions
        let highestCommon = min(ours.upperBound, theirs.upperBound)
        guard highestCommon >= max(ours.lowerBound, theirs.lowerBound) else {
            return .refuse(.noCommonProtocolVersion(ours: ours, theirs: theirs))
        }
        if hello.role != .ctl, hello.nodeID == localNodeID || isNodeIDInUse(hello.nodeID) {
            return .refuse(.duplicateNodeID(hello.nodeID))
        }
        return .accept(protocolVersion: highestCommon, commonFeatures: build.features.intersection(hello.build.features))
    }

    /// The frame that answers `hello`, and the decision behind it.
    public func answer(_ hello: Hello) -> (decision: HandshakeDecision, reply: PeerFrame) {
        let decision = decide(hello)
        switch decision {
        case .accept(let version, let features):
            let accepted = HelloAccepted(
                protocolVersion: version, connectionFeatures: features, acceptorNodeID: localNodeID,
                acceptorSoftwareVersion: build.softwareVersion, clusterActiveVersion: clusterActiveVersion,
                clusterFinalizedVersion: finalizedVersion)
            return (decision, accepted.frame())
        case .refuse(let refusal):
            return (decision, HelloRefused(refusal).frame())
        }
    }
}
