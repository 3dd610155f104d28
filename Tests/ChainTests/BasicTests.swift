import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

/// ethereum/tests BasicTests: hex-prefix encoding and pre-EIP-155 legacy transactions.
@Suite struct BasicTests {
    @Test func hexPrefixVectors() throws {
        let doc = try JSONValue(parsing: TestVectors.text("chain/ethereum-tests/BasicTests/hexencodetest.json"))
        #expect(doc.objectValue!.count >= 6)
        for (name, v) in doc.objectValue! {
            let seq = v["seq"]!.arrayValue!.map { UInt8($0.description)! }
            let term = v["term"] == .bool(true)
            let encoded = try HexPrefix.encode(seq, terminated: term)
            #expect(Hex.encode(encoded) == v["out"]!.stringValue!, "\(name)")
            let (back, t) = try HexPrefix.decode(encoded)
            #expect(back == seq && t == term, "\(name)")
        }
    }

    @Test func legacyTransactionVectors() throws {
        let doc = try JSONValue(parsing: TestVectors.text("chain/ethereum-tests/BasicTests/txtest.json"))
        for v in doc.arrayValue! {
            let key = try PrivateKey(hex: v["key"]!.stringValue!)
            let tx = Transaction(type: .legacy, chainId: nil, nonce: UInt64(v["nonce"]!.description)!,
                                 gasPrice: try UInt256(decimal: v["gasprice"]!.description), gasLimit: UInt64(v["startgas"]!.description)!,
                                 to: v["to"]!.stringValue!.isEmpty ? nil : try Address(v["to"]!.stringValue!), value: try UInt256(decimal: v["value"]!.description),
                                 data: try Hex.decode(v["data"]!.stringValue!))
            // "unsigned" is the 9-field list with empty v, r, s.
            let payload = tx.fieldsSize + 3
            let unsigned = RLP.build(count: RLPSize.list(payload)) { w in
                w.listHeader(payload)
                tx.writeFields(to: &w)
                for _ in 0..<3 { w.byte(0x80) }
            }
            #expect(Hex.encode(unsigned) == v["unsigned"]!.stringValue!)
            // Their startgas (10000) is below today's intrinsic gas, so sign without validate() and
            // expect the decoder to refuse the bytes for exactly that reason.
            let sig = try key.sign(digest: tx.signingHash)
            let signed = SignedTransaction(transaction: tx, signature: sig, sender: key.address)
            let theirs = try RLP.decode(hex(v["signed"]!.stringValue!)).listItems()
            let theirS = pad32(try theirs[8].byteString())
            #expect(try sig.recoverAddress(digest: tx.signingHash) == key.address)
            #expect(sig.r == pad32(try theirs[7].byteString()))
            if bigEndianLess(secp256k1HalfOrder, theirS) {
                // A Frontier-era high-s signature: ours is its EIP-2 normal form (n − s, parity flipped),
                // and today's rules reject theirs.
                #expect(sig.s == subtract(secp256k1Order, theirS))
                #expect(UInt64(27 + sig.recoveryId) != (try theirs[6].uint64()))
                #expect { try SignedTransaction(raw: hex(v["signed"]!.stringValue!)) } throws: { ($0 as? ChainError)?.code == .invalidSignature }
            } else {
                #expect(Hex.encode(signed.raw) == v["signed"]!.stringValue!)
                #expect { try SignedTransaction(raw: hex(v["signed"]!.stringValue!)) } throws: { ($0 as? ChainError)?.code == .intrinsicGasTooLow }
            }
        }
    }
}
