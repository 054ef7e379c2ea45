/// An open-addressing index over entries the caller keeps in its own arrays, by a 64-bit hash
/// the caller computes (`hashBytes`). The bundle index looks up hundreds of thousands of paths:
/// Swift's `Dictionary<String, …>` hashed each whole path with SipHash on every lookup, about
/// 550 instructions, where this hashes it once, while facts are gathered on every core.
struct HashSlots {
    /// Entry index + 1 in each slot, 0 for an empty one.
    private var slots: [Int32]
    /// Each entry's hash, to grow without asking the caller again.
    private var hashes: [UInt64] = []

    init(expected: Int = 8) {
        var capacity = 16
        while capacity < expected * 2 { capacity *= 2 }
        slots = [Int32](repeating: 0, count: capacity)
        hashes.reserveCapacity(expected)
    }

    var count: Int { hashes.count }

    /// The entry equal to the probe (`isEqual` is asked only about entries of the same hash).
    func find(_ hash: UInt64, _ isEqual: (Int) -> Bool) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return nil }
            if hashes[stored - 1] == hash && isEqual(stored - 1) { return stored - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds the next entry (index `count`), which the caller has found absent.
    mutating func append(_ hash: UInt64) {
        if (hashes.count + 1) * 2 > slots.count { grow() }
        hashes.append(hash)
        place(hashes.count - 1)
    }

    private mutating func place(_ entry: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        for entry in hashes.indices { place(entry) }
    }
}

/// A per-process key for `hashBytes`: without it, a file written to collide could make every
/// lookup walk every entry (the linter must never hang on any input).
let hashSeed: UInt64 = {
    var generator = SystemRandomNumberGenerator()
    return generator.next()
}()

/// A fast 64-bit hash of bytes, eight at a time (a multiply-xorshift mix, as in SplitMix64),
/// keyed by `hashSeed`.
func hashBytes(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = hashSeed) -> UInt64 {
    @inline(__always) func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 31
        return z &* 0x94D0_49BB_1331_11EB
    }
    var h = seed ^ UInt64(bytes.count)
    var i = 0
    while i + 8 <= bytes.count {
        h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        i += 8
    }
    var tail: UInt64 = 0, shift: UInt64 = 0
    while i < bytes.count { tail |= UInt64(bytes[i]) << shift; shift += 8; i += 1 }
    h = mix(h ^ tail ^ 0x9E37_79B9_7F4A_7C15)
    return h ^ (h >> 29)
}

func hashText(_ text: String) -> UInt64 {
    var text = text
    return text.withUTF8 { hashBytes(UnsafeRawBufferPointer($0)) }
}

/// Several hashes as one (order matters).
func combineHashes(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var z = (a ^ (b &+ 0x9E37_79B9_7F4A_7C15 &+ (a << 6) &+ (a >> 2))) &* 0xBF58_476D_1CE4_E5B9
    z ^= z >> 31
    return z
}
