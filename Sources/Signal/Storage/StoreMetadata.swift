/// `signal.meta`: the store's format version, whether bodies are sealed, and a sealed known
/// plaintext that tells a wrong key at open time. Written once, atomically, at creation.
///
/// Layout: magic `GSIGMETA`, u32 version, u32 flags (bit 0 sealed), u32 n, n bytes key check,
/// u32 CRC-32C of everything before it.
enum StoreMetadata {
    static let magic: [UInt8] = Array("GSIGMETA".utf8)
    static let keyCheckAAD: [UInt8] = Array("signal.meta".utf8)
    static let keyCheckPlaintext: [UInt8] = Array("gensyn-signal key check v1".utf8)

    /// Returns whether the store's bodies are sealed.
    static func openOrCreate(directory: String, sealer: (any RecordSealer)?) throws(SignalError) -> Bool {
        let path = directory + "/signal.meta"
        guard FileIO.exists(path) else {
            if try FileIO.list(directory).contains(where: { SignalStore.segmentID(fileName: $0) != nil }) {
                throw SignalError(.corruptStore, "\(path) is missing but the directory holds segments; restore it from a backup")
            }
            var out = magic
            out.appendLE(UInt32(1))
            out.appendLE(UInt32(sealer == nil ? 0 : 1))
            let check = try sealer?.seal(keyCheckPlaintext, associatedData: keyCheckAAD) ?? []
            out.appendLE(UInt32(check.count))
            out += check
            out.appendLE(CRC32C.checksum(out))
            try FileIO.writeAtomically(out, to: path, directory: directory)
            return sealer != nil
        }
        let bytes = try FileIO.readAll(path)
        let (version, isSealed, check) = try withBytes(bytes) { (raw) throws(SignalError) -> (UInt32, Bool, [UInt8]) in
            func bad(_ why: String) -> SignalError { SignalError(.corruptStore, "\(path): \(why); restore it from a backup") }
            guard raw.count >= 24, Array(raw[0..<8]) == magic else { throw bad("not Signal metadata") }
            let n = Int(raw.loadLE(UInt32.self, at: 16))
            guard raw.count == 24 + n else { throw bad("bad length") }
            guard CRC32C.update(0, UnsafeRawBufferPointer(rebasing: raw[0..<(20 + n)])) == raw.loadLE(UInt32.self, at: 20 + n) else {
                throw bad("checksum mismatch")
            }
            return (raw.loadLE(UInt32.self, at: 8), raw.loadLE(UInt32.self, at: 12) & 1 == 1, Array(raw[20..<(20 + n)]))
        }
        guard version == 1 else {
            throw SignalError(.unsupportedFormatVersion, "\(path): metadata version \(version); this build reads version 1: upgrade Signal")
        }
        switch (isSealed, sealer) {
        case (true, nil):
            throw SignalError(.encryptionMismatch, "\(directory) is encrypted: open it with the sealer holding its key")
        case (false, .some):
            throw SignalError(.encryptionMismatch, "\(directory) was created without encryption: open it without a sealer")
        case (true, .some(let sealer)):
            let plain: [UInt8]
            do { plain = try sealer.open(check, associatedData: keyCheckAAD) } catch {
                throw SignalError(.wrongKey, "the key does not open \(directory) (key check failed)")
            }
            guard plain == keyCheckPlaintext else { throw SignalError(.wrongKey, "the key does not open \(directory) (key check mismatch)") }
        case (false, nil):
            break
        }
        return isSealed
    }
}
