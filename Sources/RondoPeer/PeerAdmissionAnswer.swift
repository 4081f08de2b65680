/// The owner's answer to a `Hello` on an accepting connection whose admission it decides itself
/// (`PeerHandshakeStateMachine.Side.admitting`), such as the coordinator, whose admission is an
/// event of its state machine. Sent to the transport's inbound handler as a user outbound event
/// (`PeerConnection.admit`).
public enum PeerAdmissionAnswer: Sendable, Hashable {
    case accept(HelloAccepted)
    case refuse(HandshakeRefusal)
}
