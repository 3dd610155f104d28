// gensyn-chain: a small cast-like command line over the Chain library (and ChainRPC with --rpc-url).
import Chain
import ChainRPC
import GensynPrimitives

#if canImport(Glibc)
import Glibc
#endif

let usage = """
    usage: gensyn-chain <command> [args]
      keccak <0xhex | text>                     keccak-256 of hex bytes or UTF-8 text
      rlp-encode <json>                         JSON: nested arrays of 0x-hex byte strings
      rlp-decode <0xhex>
      abi-encode '<(types)>' '<json array>'     encode values (integers as numbers or decimal strings)
      abi-decode '<(types)>' <0xhex>            decoded values as a JSON array
      calldata '<fn signature>' '<json array>'  selector + encoded arguments
      selector '<fn signature>'
      tx-decode <0xraw> [--chain-id N]          decoded transaction as JSON (non-zero exit if invalid)
      typed-data-hash <file.json>               EIP-712 signing hash
      sign-tx --private-key <0xhex> <tx.json>   {"raw", "hash"}
      address --private-key <0xhex>             the key's checksummed address
      checksum <address>                        EIP-55 form
    with --rpc-url URL:
      chain-id | block-number | balance <addr> | nonce <addr>
      call <to> '<fn signature>' '<json array>' [--returns '<(types)>']
      send --private-key <0xhex> <tx.json>      sign (filling nonce, fees, gas, chain id), send, wait; prints the receipt
      receipt <0xhash>
      logs [--address A] [--from-block N] [--to-block N] [--topic0 0xhash]
    """

struct UsageError: Error, CustomStringConvertible { let description: String }

func fail(_ message: String) -> Never {
    var stderr = FileOutput(fd: 2)
    print("gensyn-chain: \(message)", to: &stderr)
    exit(1)
}

struct FileOutput: TextOutputStream {
    let fd: Int32
    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { p in _ = Glibc.write(fd, p.baseAddress, p.count) }
    }
}

func readFile(_ path: String) throws -> String {
    guard let f = fopen(path, "rb") else { throw UsageError(description: "cannot open \(path)") }
    defer { fclose(f) }
    var out = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

/// Options (`--name value`) and positional arguments.
struct Arguments {
    var positional: [String] = []
    var options: [String: String] = [:]

    init(_ args: some Sequence<String>) throws {
        var it = args.makeIterator()
        while let a = it.next() {
            if a.hasPrefix("--"), a.count > 2 {
                guard let v = it.next() else { throw UsageError(description: "\(a) needs a value") }
                options[String(a.dropFirst(2))] = v
            } else {
                positional.append(a)
            }
        }
    }

    func arg(_ i: Int, _ name: String) throws -> String {
        guard i < positional.count else { throw UsageError(description: "missing <\(name)>\n\(usage)") }
        return positional[i]
    }
}

/// `(types)` or a single type → the list of types.
func parseTypeList(_ text: String) throws -> [ABIType] {
    let t = try ABIType(text)
    if case .tuple(let members) = t, text.trimmingPrefix(while: { $0 == " " }).first == "(" || text.hasPrefix("tuple(") { return members }
    return [t]
}

func rlpItem(_ json: JSONValue) throws -> RLPItem {
    switch json {
    case .array(let a): return .list(try a.map(rlpItem))
    case .string(let s): return .bytes(try Hex.decode(s))
    case .number(let n):
        guard let v = UInt64(n) else { throw UsageError(description: "RLP integers must be non-negative 64-bit; use 0x-hex for larger values") }
        return .uint(v)
    default: throw UsageError(description: "RLP JSON is nested arrays of 0x-hex strings, got \(json)")
    }
}

func rlpJSON(_ item: RLPItem) -> JSONValue {
    switch item {
    case .bytes(let b): return .string(Hex.encode(b, prefix: true))
    case .list(let l): return .array(l.map(rlpJSON))
    }
}

func valuesJSON(_ text: String, _ types: [ABIType]) throws -> [ABIValue] {
    let json = try JSONValue(parsing: text)
    guard let items = json.arrayValue else { throw UsageError(description: "values must be a JSON array") }
    guard items.count == types.count else { throw UsageError(description: "\(items.count) value(s) for \(types.count) type(s)") }
    return try zip(items, types).map { try ABIValue(json: $0, type: $1) }
}

func hex0x(_ b: [UInt8]) -> String { Hex.encode(b, prefix: true) }

func receiptJSON(_ r: Receipt) -> JSONValue {
    .object([
        ("transactionHash", .string(hex0x(r.transactionHash))),
        ("blockNumber", .number(String(r.blockNumber))),
        ("status", .number(r.succeeded ? "1" : "0")),
        ("gasUsed", .number(String(r.gasUsed))),
        ("contractAddress", r.contractAddress.map { .string($0.checksummed) } ?? .null),
        ("logs", .array(r.logs.map(logJSON))),
    ])
}

func logJSON(_ l: Log) -> JSONValue {
    .object([
        ("address", .string(l.address.checksummed)),
        ("topics", .array(l.topics.map { .string(hex0x($0)) })),
        ("data", .string(hex0x(l.data))),
        ("blockNumber", l.blockNumber.map { .number(String($0)) } ?? .null),
        ("transactionHash", l.transactionHash.map { .string(hex0x($0)) } ?? .null),
    ])
}

func blockTag(_ text: String?) throws -> BlockTag {
    guard let text else { return .latest }
    switch text {
    case "latest": return .latest
    case "earliest": return .earliest
    case "pending": return .pending
    default:
        guard let n = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text) else {
            throw UsageError(description: "block must be a number or latest/earliest/pending, got \(text)")
        }
        return .number(n)
    }
}

func run(_ argv: [String]) async throws {
    guard let command = argv.first else { throw UsageError(description: usage) }
    let args = try Arguments(argv.dropFirst())
    let client = args.options["rpc-url"].map { EthereumClient(url: $0) }
    func rpc() throws -> EthereumClient {
        guard let client else { throw UsageError(description: "\(command) needs --rpc-url URL") }
        return client
    }
    func key() throws -> PrivateKey {
        guard let k = args.options["private-key"] else { throw UsageError(description: "\(command) needs --private-key 0xhex") }
        return try PrivateKey(hex: k)
    }
    switch command {
    case "keccak":
        let input = try args.arg(0, "0xhex | text")
        let bytes = input.hasPrefix("0x") ? try Hex.decode(input) : Array(input.utf8)
        print(hex0x(Keccak256.hash(bytes)))
    case "rlp-encode":
        print(hex0x(RLP.encode(try rlpItem(JSONValue(parsing: args.arg(0, "json"))))))
    case "rlp-decode":
        print(rlpJSON(try RLP.decode(Hex.decode(args.arg(0, "0xhex")))).description)
    case "abi-encode":
        let types = try parseTypeList(args.arg(0, "(types)"))
        print(hex0x(try ABI.encode(valuesJSON(args.arg(1, "json array"), types), as: types)))
    case "abi-decode":
        let types = try parseTypeList(args.arg(0, "(types)"))
        print(JSONValue.array(try ABI.decode(types, from: Hex.decode(args.arg(1, "0xhex"))).map(\.json)).description)
    case "calldata":
        let sig = try ABISignature(args.arg(0, "fn signature"))
        let values = args.positional.count > 1 ? try valuesJSON(args.arg(1, "json array"), sig.inputs) : []
        print(hex0x(try sig.calldata(values)))
    case "selector":
        print(hex0x(try ABISignature(args.arg(0, "fn signature")).selector))
    case "tx-decode":
        let chainId = try args.options["chain-id"].map { s -> UInt64 in
            guard let v = UInt64(s) else { throw UsageError(description: "--chain-id must be an integer") }
            return v
        }
        print(try SignedTransaction(raw: Hex.decode(args.arg(0, "0xraw")), chainId: chainId).json.prettyDescription)
    case "typed-data-hash":
        print(hex0x(try TypedData(json: readFile(args.arg(0, "file.json"))).signingHash()))
    case "sign-tx":
        let tx = try Transaction(json: JSONValue(parsing: readFile(args.arg(0, "tx.json"))))
        let signed = try tx.signed(with: key())
        print(JSONValue.object([("raw", .string(hex0x(signed.raw))), ("hash", .string(hex0x(signed.hash)))]).description)
    case "address":
        print(try key().address.checksummed)
    case "checksum":
        print(try Address(args.arg(0, "address")).checksummed)
    case "chain-id":
        print(try await rpc().chainId())
    case "block-number":
        print(try await rpc().blockNumber())
    case "balance":
        print(try await rpc().balance(of: Address(args.arg(0, "address")), at: blockTag(args.options["block"])).description)
    case "nonce":
        print(try await rpc().transactionCount(of: Address(args.arg(0, "address")), at: blockTag(args.options["block"])))
    case "call":
        let to = try Address(args.arg(0, "to"))
        let sig = try ABISignature(args.arg(1, "fn signature"))
        let values = args.positional.count > 2 ? try valuesJSON(args.arg(2, "json array"), sig.inputs) : []
        let out = try await rpc().call(CallRequest(to: to, data: sig.calldata(values)), at: blockTag(args.options["block"]))
        if let returns = args.options["returns"] {
            print(JSONValue.array(try ABI.decode(parseTypeList(returns), from: out).map(\.json)).description)
        } else {
            print(hex0x(out))
        }
    case "send":
        var tx = try Transaction(json: JSONValue(parsing: readFile(args.arg(0, "tx.json"))))
        let json = try JSONValue(parsing: readFile(args.arg(0, "tx.json")))
        if json["gas"] == nil && json["gasLimit"] == nil { tx.gasLimit = 0 }
        let nonce = json["nonce"] == nil ? nil : Optional(tx.nonce)
        let c = try rpc()
        let signed = try await c.send(tx, nonce: nonce, signer: key())
        print(receiptJSON(try await c.waitForReceipt(signed.hash)).prettyDescription)
    case "receipt":
        guard let r = try await rpc().transactionReceipt(Hex.decode(args.arg(0, "0xhash"))) else {
            throw UsageError(description: "no receipt (unknown or pending transaction)")
        }
        print(receiptJSON(r).prettyDescription)
    case "logs":
        var filter = LogFilter(fromBlock: try blockTag(args.options["from-block"] ?? "earliest"), toBlock: try blockTag(args.options["to-block"]))
        if let a = args.options["address"] { filter.addresses = [try Address(a)] }
        if let t = args.options["topic0"] { filter.topics = [[try Hex.decode(t)]] }
        print(JSONValue.array(try await rpc().logs(filter).map(logJSON)).prettyDescription)
    case "help", "--help", "-h":
        print(usage)
    default:
        throw UsageError(description: "unknown command '\(command)'\n\(usage)")
    }
}

do {
    try await run(Array(CommandLine.arguments.dropFirst()))
} catch let e as ChainError {
    fail(e.message)
} catch let e as RPCError {
    fail(e.message)
} catch let e as HexError {
    fail(e.message)
} catch {
    fail("\(error)")
}
