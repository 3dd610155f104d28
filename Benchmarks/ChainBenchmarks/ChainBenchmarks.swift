import BenchmarkSupport
import CGensynOpenSSL
import CGensynSecp256k1
import Chain
import GensynPrimitives

/// Chain benchmarks, run by `gensyn-bench`: ours vs a baseline doing the same work in the same run.
///
/// Baselines: OpenSSL SHA3-256 (same Keccak-f[1600] permutation) for hashing; direct libsecp256k1 calls
/// for sign/recover; hand-written single-shape encoders/decoders for ABI and RLP (the floor our
/// general codec is measured against; alloy's published ~95 ns / ~25 ns are recorded in Docs).
public enum ChainBenchmarks {
    public static func all() -> [Benchmark] {
        [keccak(), sign(), recover(), abiEncodeStatic(), abiDecodeStatic(), abiEncodeDynamic(), rlpEncodeLegacy(), rlpEncodeLegacyReused(),
         rlpEncodeLegacySpan(), rlpDecodeLegacy(), rlpDecodeLegacyView()]
    }

    // MARK: Keccak

    static func keccak() -> Benchmark {
        let n = 1 << 20
        let input = BenchBuffer<UInt8>(count: n) { UInt8(truncatingIfNeeded: $0 &* 31) }
        let out = BenchBuffer<UInt8>(count: 32) { _ in 0 }
        return Benchmark(
            name: "keccak256_1MiB_vs_openssl_sha3_256", unit: "MB/s", work: Double(n) / 1e6,
            ours: { blackHole(Keccak256.hash(UnsafeRawBufferPointer(start: input.pointer, count: n))) },
            baseline: {
                var len: UInt32 = 32
                EVP_Digest(input.pointer, n, out.pointer, &len, EVP_sha3_256(), nil)
                blackHole(out.pointer.pointee)
            })
    }

    // MARK: secp256k1

    final class DirectContext: @unchecked Sendable {
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        deinit { secp256k1_context_destroy(ctx) }
    }

    static let secret: [UInt8] = (0..<32).map { UInt8($0 + 1) }
    static let digest: [UInt8] = Keccak256.hash(Array("benchmark".utf8))

    static func sign() -> Benchmark {
        let key = try! PrivateKey(bytes: secret)
        let direct = DirectContext()
        return Benchmark(
            name: "secp256k1_sign_recoverable_vs_direct", unit: "ops/s", work: 1,
            ours: { blackHole(try! key.sign(digest: digest)) },
            baseline: {
                var sig = secp256k1_ecdsa_recoverable_signature()
                _ = secp256k1_ecdsa_sign_recoverable(direct.ctx, &sig, digest, secret, nil, nil)
                var compact = [UInt8](repeating: 0, count: 64)
                var recid: Int32 = 0
                secp256k1_ecdsa_recoverable_signature_serialize_compact(direct.ctx, &compact, &recid, &sig)
                blackHole(compact)
            })
    }

    static func recover() -> Benchmark {
        let key = try! PrivateKey(bytes: secret)
        let sig = try! key.sign(digest: digest)
        let compact = sig.compact
        let recid = Int32(sig.recoveryId)
        let direct = DirectContext()
        return Benchmark(
            name: "secp256k1_recover_vs_direct", unit: "ops/s", work: 1,
            ours: { blackHole(try! sig.recoverPublicKey(digest: digest)) },
            baseline: {
                var s = secp256k1_ecdsa_recoverable_signature()
                _ = secp256k1_ecdsa_recoverable_signature_parse_compact(direct.ctx, &s, compact, recid)
                var pub = secp256k1_pubkey()
                _ = secp256k1_ecdsa_recover(direct.ctx, &pub, &s, digest)
                var out = [UInt8](repeating: 0, count: 65)
                var len = 65
                secp256k1_ec_pubkey_serialize(direct.ctx, &out, &len, &pub, UInt32(SECP256K1_EC_UNCOMPRESSED))
                blackHole(out)
            })
    }

    // MARK: ABI

    static let to = try! Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    static let amount = UInt256(1_000_000_000_000_000_000)

    /// transfer(address,uint256) arguments.
    static func abiEncodeStatic() -> Benchmark {
        let types: [ABIType] = [.address, .uint(256)]
        let values: [ABIValue] = [.address(to), .uint(amount)]
        return Benchmark(
            name: "abi_encode_static_address_uint256", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: { blackHole(try! ABI.encode(values, as: types)) },
            baseline: {
                var out = [UInt8](repeating: 0, count: 64)
                for i in 0..<20 { out[12 + i] = to.bytes[i] }
                out.withUnsafeMutableBytes { amount.writeBigEndian(to: UnsafeMutableRawBufferPointer(rebasing: $0[32...])) }
                blackHole(out)
            })
    }

    static func abiDecodeStatic() -> Benchmark {
        let types: [ABIType] = [.address, .uint(256)]
        let data = try! ABI.encode([.address(to), .uint(amount)], as: types)
        return Benchmark(
            name: "abi_decode_static_address_uint256", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: { blackHole(try! ABI.decode(types, from: data)) },
            baseline: {
                // Same checks: zero padding of the address word, then the two values.
                guard data.count >= 64, data[0..<12].allSatisfy({ $0 == 0 }) else { return }
                let a = try! Address(bytes: data[12..<32])
                let v = try! UInt256(bigEndianBytes: data[32..<64])
                blackHole((a, v))
            })
    }

    /// (uint256,bytes) with 100 bytes of payload.
    static func abiEncodeDynamic() -> Benchmark {
        let payload = [UInt8](repeating: 0xab, count: 100)
        let types: [ABIType] = [.uint(256), .bytes]
        let values: [ABIValue] = [.uint(amount), .bytes(payload)]
        return Benchmark(
            name: "abi_encode_dynamic_uint256_bytes100", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: { blackHole(try! ABI.encode(values, as: types)) },
            baseline: {
                let padded = (payload.count + 31) / 32 * 32
                var out = [UInt8](repeating: 0, count: 96 + padded)
                out.withUnsafeMutableBytes { amount.writeBigEndian(to: UnsafeMutableRawBufferPointer(rebasing: $0[0...])) }
                out[63] = 64
                out[95] = UInt8(payload.count)
                for i in 0..<payload.count { out[96 + i] = payload[i] }
                blackHole(out)
            })
    }

    // MARK: RLP (a signed legacy transaction)

    static let legacy: SignedTransaction = {
        let tx = Transaction(type: .legacy, chainId: 1, nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
                             to: try! Address("0x3535353535353535353535353535353535353535"), value: amount)
        return try! tx.signed(with: PrivateKey(bytes: secret))
    }()

    static func rlpEncodeLegacy() -> Benchmark {
        let tx = legacy.transaction
        let fields: [[UInt8]] = [[9], UInt256(20_000_000_000).minimalBigEndianBytes, [0x52, 0x08], tx.to!.bytes, amount.minimalBigEndianBytes, []]
        return Benchmark(
            name: "rlp_encode_legacy_tx_payload", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: { blackHole(tx.signingPayload) },
            baseline: {
                // Hand-rolled: fields are known to be short strings; EIP-155 suffix chainId, 0, 0.
                var out = [UInt8]()
                out.reserveCapacity(64)
                out.append(0)
                for f in fields {
                    if f.count == 1 && f[0] < 0x80 { out.append(f[0]) } else { out.append(0x80 + UInt8(f.count)); out.append(contentsOf: f) }
                }
                out.append(1); out.append(0x80); out.append(0x80)
                out[0] = 0xc0 + UInt8(out.count - 1)
                blackHole(out)
            })
    }

    /// The hand-rolled floor: the six field byte strings are serialized before the timed loop, so it only
    /// writes headers and copies bytes (ours also turns UInt64/UInt256 fields into minimal bytes and sizes).
    static let legacyFields: [[UInt8]] = {
        let tx = legacy.transaction
        return [[9], UInt256(20_000_000_000).minimalBigEndianBytes, [0x52, 0x08], tx.to!.bytes, amount.minimalBigEndianBytes, []]
    }()

    /// A reusable output array (benchmarks run one at a time).
    final class ReusableBytes: @unchecked Sendable {
        var bytes: [UInt8] = []
        init() { bytes.reserveCapacity(256) }
        /// The emptied array with its capacity, moved out (unique, so appends never copy).
        func take() -> [UInt8] {
            var out: [UInt8] = []
            swap(&out, &bytes)
            out.removeAll(keepingCapacity: true)
            return out
        }
    }

    /// Both sides append into an array reused with its capacity (moved out of a box and back): no allocation.
    static func rlpEncodeLegacyReused() -> Benchmark {
        let tx = legacy.transaction
        let fields = legacyFields
        let box = ReusableBytes()
        return Benchmark(
            name: "rlp_encode_legacy_tx_payload_reused", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: {
                var out = box.take()
                tx.appendSigningPayload(to: &out)
                blackHole(out.count)
                box.bytes = out
            },
            baseline: {
                var out = box.take()
                out.append(0)
                for f in fields {
                    if f.count == 1 && f[0] < 0x80 { out.append(f[0]) } else { out.append(0x80 + UInt8(f.count)); out.append(contentsOf: f) }
                }
                out.append(1); out.append(0x80); out.append(0x80)
                out[0] = 0xc0 + UInt8(out.count - 1)
                blackHole(out.count)
                box.bytes = out
            })
    }

    /// Both sides write into the same caller-owned 256-byte buffer: ours through a safe `OutputSpan`,
    /// the baseline through the raw pointer.
    static func rlpEncodeLegacySpan() -> Benchmark {
        let tx = legacy.transaction
        let fields = legacyFields
        let buffer = BenchBuffer<UInt8>(count: 256) { _ in 0 }
        return Benchmark(
            name: "rlp_encode_legacy_tx_payload_span", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: {
                var span = unsafe OutputSpan(buffer: UnsafeMutableBufferPointer(start: buffer.pointer, count: buffer.count), initializedCount: 0)
                try! tx.encodeSigningPayload(into: &span)
                blackHole(span.count)
            },
            baseline: {
                let out = buffer.pointer
                var n = 1
                for f in fields {
                    if f.count == 1 && f[0] < 0x80 { out[n] = f[0]; n += 1 } else {
                        out[n] = 0x80 + UInt8(f.count)
                        for i in 0..<f.count { out[n + 1 + i] = f[i] }
                        n += 1 + f.count
                    }
                }
                out[n] = 1; out[n + 1] = 0x80; out[n + 2] = 0x80
                n += 3
                out[0] = 0xc0 + UInt8(n - 1)
                blackHole(n)
            })
    }

    static func rlpDecodeLegacy() -> Benchmark {
        let raw = legacy.raw
        return Benchmark(
            name: "rlp_decode_legacy_tx", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: { blackHole(try! RLP.decode(raw)) },
            baseline: {
                // Hand-rolled: one long-list header, then short strings only (no item tree).
                var items: [ArraySlice<UInt8>] = []
                items.reserveCapacity(9)
                var i = 1 + Int(raw[0] - 0xf7)
                while i < raw.count {
                    let p = raw[i]
                    if p < 0x80 { items.append(raw[i..<i + 1]); i += 1 } else { let n = Int(p - 0x80); items.append(raw[i + 1..<i + 1 + n]); i += 1 + n }
                }
                blackHole(items)
            })
    }

    /// In-place decoding: validate the whole encoding, then read each field as a slice of the input.
    /// Same work as the baseline (split into the 9 field payloads and touch each), plus the strict checks.
    static func rlpDecodeLegacyView() -> Benchmark {
        let raw = legacy.raw
        return Benchmark(
            name: "rlp_decode_legacy_tx_view", unit: "ns/op", work: 1e9, lowerIsBetter: true,
            ours: {
                var sum = 0
                for field in try! RLP.view(raw).items(in: raw) {
                    let r = field.payloadRange
                    sum &+= r.count &+ Int(r.isEmpty ? 0 : raw[r.lowerBound])
                }
                blackHole(sum)
            },
            baseline: {
                // Hand-rolled: one long-list header, then short strings only (no checks, no allocation).
                var sum = 0
                var i = 1 + Int(raw[0] - 0xf7)
                while i < raw.count {
                    let p = raw[i]
                    if p < 0x80 { sum &+= 1 &+ Int(p); i += 1 } else {
                        let n = Int(p - 0x80)
                        sum &+= n &+ Int(n > 0 ? raw[i + 1] : 0)
                        i += 1 + n
                    }
                }
                blackHole(sum)
            })
    }
}
