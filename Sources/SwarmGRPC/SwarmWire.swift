import GRPCCore
import Swarm

/// The Swarm gRPC service, hand-written on GRPCCore's raw API with a custom binary
/// `MessageSerializer` (no protobuf, no generated code): service `gensyn.swarm.v1.Swarm` with two
/// unary methods, `Join` and `Fetch`.
///
/// Wire messages (big-endian):
/// - `JoinRequest`: u16 length + the caller's listen address (`host:port`, UTF-8).
/// - `JoinResponse`: u64 current round, u16 peer count, per peer u16 length + address.
/// - `FetchRequest`: u64 round.
/// - `FetchResponse`: u8 status (0 payload follows, 1 not ready) + the rollout publication bytes.
public enum SwarmWire {
    /// The service descriptor.
    public static let service = ServiceDescriptor(fullyQualifiedService: "gensyn.swarm.v1.Swarm")
    /// `Join`: announce this node, learn the peer list and the current round.
    public static let join = MethodDescriptor(service: service, method: "Join")
    /// `Fetch`: a peer's publication for a round.
    public static let fetch = MethodDescriptor(service: service, method: "Fetch")
    /// Longest accepted address in bytes.
    public static let maxAddressBytes = 64
    /// Most peers in a join response.
    public static let maxPeers = 256
}

/// A message with a strict binary encoding.
protocol WireMessage: Sendable {
    func encoded() -> [UInt8]
    init(decoding bytes: [UInt8]) throws(WireError)
}

/// A wire message that could not be decoded.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A message a user can act on.
    public let message: String
    public var description: String { "WireError: \(message)" }
}

struct BinarySerializer<Message: WireMessage>: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes { Bytes(message.encoded()) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        let bytes = serializedMessageBytes.withUnsafeBytes { Array($0) }
        do { return try Message(decoding: bytes) } catch {
            throw RPCError(code: .invalidArgument, message: error.message)
        }
    }
}

struct WireReader {
    let bytes: [UInt8]
    var offset = 0
    mutating func take(_ n: Int) throws(WireError) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - offset >= n else { throw WireError(message: "message truncated at byte \(offset)") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }
    mutating func u16() throws(WireError) -> Int { Int(try take(2).reduce(0) { $0 << 8 | UInt16($1) }) }
    mutating func u64() throws(WireError) -> UInt64 { try take(8).reduce(0) { $0 << 8 | UInt64($1) } }
    mutating func address() throws(WireError) -> String {
        let n = try u16()
        guard n <= SwarmWire.maxAddressBytes else { throw WireError(message: "address of \(n) bytes exceeds \(SwarmWire.maxAddressBytes)") }
        guard let s = String(validating: try take(n), as: UTF8.self), PeerAddress(s) != nil else {
            throw WireError(message: "address is not host:port")
        }
        return s
    }
    func finish() throws(WireError) {
        guard offset == bytes.count else { throw WireError(message: "\(bytes.count - offset) trailing bytes") }
    }
}

func put16(_ out: inout [UInt8], _ v: Int) { out.append(UInt8((v >> 8) & 0xff)); out.append(UInt8(v & 0xff)) }
func put64(_ out: inout [UInt8], _ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8((v >> UInt64(s)) & 0xff)) } }
func putAddress(_ out: inout [UInt8], _ s: String) { let u = Array(s.utf8.prefix(SwarmWire.maxAddressBytes)); put16(&out, u.count); out += u }

struct JoinRequest: WireMessage {
    var address: String
    init(address: String) { self.address = address }
    func encoded() -> [UInt8] { var o: [UInt8] = []; putAddress(&o, address); return o }
    init(decoding bytes: [UInt8]) throws(WireError) {
        var r = WireReader(bytes: bytes)
        address = try r.address()
        try r.finish()
    }
}

struct JoinResponse: WireMessage {
    var round: UInt64
    var peers: [String]
    init(round: UInt64, peers: [String]) { self.round = round; self.peers = peers }
    func encoded() -> [UInt8] {
        var o: [UInt8] = []
        put64(&o, round)
        let list = peers.prefix(SwarmWire.maxPeers)
        put16(&o, list.count)
        for p in list { putAddress(&o, p) }
        return o
    }
    init(decoding bytes: [UInt8]) throws(WireError) {
        var r = WireReader(bytes: bytes)
        round = try r.u64()
        let n = try r.u16()
        guard n <= SwarmWire.maxPeers else { throw WireError(message: "\(n) peers exceed \(SwarmWire.maxPeers)") }
        peers = []
        for _ in 0..<n { peers.append(try r.address()) }
        try r.finish()
    }
}

struct FetchRequest: WireMessage {
    var round: UInt64
    init(round: UInt64) { self.round = round }
    func encoded() -> [UInt8] { var o: [UInt8] = []; put64(&o, round); return o }
    init(decoding bytes: [UInt8]) throws(WireError) {
        var r = WireReader(bytes: bytes)
        round = try r.u64()
        try r.finish()
    }
}

struct FetchResponse: WireMessage {
    var payload: [UInt8]?
    init(payload: [UInt8]?) { self.payload = payload }
    func encoded() -> [UInt8] { payload.map { [0] + $0 } ?? [1] }
    init(decoding bytes: [UInt8]) throws(WireError) {
        switch bytes.first {
        case 0: payload = Array(bytes.dropFirst())
        case 1 where bytes.count == 1: payload = nil
        default: throw WireError(message: "bad fetch response status")
        }
    }
}

/// A `host:port` peer address (IPv4 literal or host name, port 0...65535).
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// The host.
    public let host: String
    /// The port.
    public let port: Int

    /// Parses `host:port`; nil when malformed.
    public init?(_ text: String) {
        guard text.utf8.count <= SwarmWire.maxAddressBytes, let colon = text.lastIndex(of: ":") else { return nil }
        let h = String(text[..<colon]), p = text[text.index(after: colon)...]
        guard !h.isEmpty, h.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }),
            !p.isEmpty, p.count <= 5, p.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(p), port <= 65535
        else { return nil }
        host = h
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}
