/// One member of a routing table: its descriptor and whether it is active or draining.
public struct RingMember: Sendable, Hashable {
    public let descriptor: NodeDescriptor
    public var state: MemberState

    public init(descriptor: NodeDescriptor, state: MemberState) {
        self.descriptor = descriptor
        self.state = state
    }

    public var id: MemberID { descriptor.id }
}
