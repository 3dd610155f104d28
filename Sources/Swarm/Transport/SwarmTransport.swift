/// What a fetch returned.
public enum FetchOutcome: Hashable, Sendable {
    /// The peer's publication bytes (not yet validated).
    case payload([UInt8])
    /// The peer is reachable but has not published that round yet.
    case notReady
    /// The peer could not be reached or the call failed (with a reason for the log).
    case failed(String)
}

/// How a node talks to its peers. Swarm has no network dependency: ``InProcessTransport`` serves
/// simulations and tests; `SwarmGRPC` provides a real network transport.
public protocol SwarmTransport: Sendable {
    /// Makes `payload` available to peers as this node's publication for `round`.
    func publish(round: UInt64, payload: [UInt8]) async
    /// Fetches `peer`'s publication for `round`, giving up after `timeoutMillis`.
    func fetch(from peer: String, round: UInt64, timeoutMillis: UInt64) async -> FetchOutcome
    /// Runs whatever discovery the transport does (e.g. announcing to bootstrap peers) and returns
    /// the peers currently known, excluding this node.
    func refreshPeers() async -> [String]
    /// Forgets a peer that stopped answering, until it announces itself again.
    func forget(_ peer: String) async
}
