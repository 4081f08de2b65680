import RondoCore
import RondoPeerTransport

/// Where the answer to a forwarded request goes: back on the connection it arrived on (a
/// connection the peer opened to this node, the usual case), or to the peer by whichever
/// connection reaches it (a request that arrived on this node's own connection to the peer).
/// A value instead of a reply closure: serving a forwarded request allocates no closure.
enum ForwardedReplyRoute {
    case connection(PeerConnection)
    case peer(NodeID)
}
