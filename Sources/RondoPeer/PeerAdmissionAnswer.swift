/// The owner's answer to a `Hello` on an accepting connection whose admission it decides itself
/// (`PeerHandshakeStateMachine.Side.admitting`), such as the coordinator, whose admission is an
/// event of its state machine. Sent to `PeerHandshakeHandler` as a user outbound event.
public enum PeerAdmissionAnswer: Sendable, Hashable {
    case accept(HelloAccepted)
    case refuse(HandshakeRefusal)
}
