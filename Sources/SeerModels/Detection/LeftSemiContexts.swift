// The left semi-contexts of `ContextAnomaly`: sets of slots (sensory facts and the contexts that
// fired one step earlier), numbered in creation order. Each is stored once, as a record
// (id, size, run start, run length, slots…) appended to the list of its largest slot — the list a
// step scans to find the ones wholly present, which so also yields where their contexts are
// without a second lookup — and found by its slots through an open-addressing table of
// (hash, id) entries. A dictionary keyed by arrays kept a heap array per key, hashed it with
// SipHash and compared through a second pointer: most of a step's lookup time, and about half of
// a series' memory.
import Foundation

/// Left semi-contexts: slot sets, their index by slot, and lookup by content.
struct LeftSemiContexts: Sendable {
    /// Slot → the ids of the semi-contexts holding it, ascending.
    private(set) var index: [[Int32]] = []
    /// Slot → records (id, size, run start, run length, slots ascending…) of the semi-contexts
    /// whose largest slot it is, ids ascending. The run is where the semi-context's contexts are
    /// in `ContextAnomaly`'s pool.
    private(set) var anchors: [[Int32]] = []
    /// Id → where its record is: anchor slot << 32 | offset in that slot's list.
    private var records: [Int64] = []
    /// Id → its size and run, side by side (what proposing reads for hundreds of semi-contexts a
    /// step; the records hold a copy of the run for the steps that find them by anchor).
    private var runs: [(size: Int32, start: Int32, count: Int32)] = []
    /// Open addressing, a power of two at most half full: hash << 32 | (id + 1), 0 when empty.
    private var table: [UInt64] = []

    /// Semi-contexts held.
    var count: Int { records.count }

    /// Fields before a record's slots.
    static let header = 4

    /// The slots of semi-context `id`, ascending.
    func slots(of id: Int32) -> ArraySlice<Int32> {
        let place = records[Int(id)], list = anchors[Int(place >> 32)], offset = Int(place & 0xFFFF_FFFF)
        return list[(offset + Self.header)..<(offset + Self.header + Int(list[offset + 1]))]
    }

    /// The number of slots of semi-context `id`.
    func size(of id: Int32) -> Int32 { runs[Int(id)].size }

    /// Where semi-context `id`'s contexts are in the pool.
    func run(of id: Int32) -> (start: Int32, count: Int32) { (runs[Int(id)].start, runs[Int(id)].count) }

    /// Moves or lengthens semi-context `id`'s run.
    mutating func setRun(of id: Int32, start: Int32, count: Int32) {
        runs[Int(id)].start = start
        runs[Int(id)].count = count
        let place = records[Int(id)], offset = Int(place & 0xFFFF_FFFF)
        anchors[Int(place >> 32)][offset + 2] = start
        anchors[Int(place >> 32)][offset + 3] = count
    }

    /// The id of the semi-context of `wanted` (slots ascending), if there is one.
    func id(of wanted: [Int32]) -> Int32? {
        guard !table.isEmpty else { return nil }
        let hash = Self.hash(wanted), mask = table.count - 1
        var k = Int(hash) & mask
        while table[k] != 0 {
            let entry = table[k]
            if UInt32(entry >> 32) == hash {
                let id = Int32(entry & 0xFFFF_FFFF) - 1
                if slots(of: id).elementsEqual(wanted) { return id }
            }
            k = (k + 1) & mask
        }
        return nil
    }

    /// Adds the semi-context of `slots` (ascending, not empty, not held yet), with an empty run,
    /// and returns its id.
    mutating func add(_ slots: [Int32]) -> Int32 {
        precondition(!slots.isEmpty, "a semi-context holds at least one fact")
        let id = Int32(records.count)
        let anchor = slots[slots.count - 1]
        Self.grow(&anchors, to: anchor)
        records.append(Int64(anchor) << 32 | Int64(anchors[Int(anchor)].count))
        runs.append((Int32(slots.count), 0, 0))
        anchors[Int(anchor)].append(contentsOf: [id, Int32(slots.count), 0, 0])
        anchors[Int(anchor)].append(contentsOf: slots)
        for slot in slots {
            Self.grow(&index, to: slot)
            index[Int(slot)].append(id)
        }
        if 2 * records.count > table.count { rehash(capacity: max(64, 2 * table.count)) }
        insert(hash: Self.hash(slots), id: id)
        return id
    }

    private mutating func insert(hash: UInt32, id: Int32) {
        let mask = table.count - 1
        var k = Int(hash) & mask
        while table[k] != 0 { k = (k + 1) & mask }
        table[k] = UInt64(hash) << 32 | UInt64(id + 1)
    }

    private mutating func rehash(capacity: Int) {
        let old = table
        table = [UInt64](repeating: 0, count: capacity)
        for entry in old where entry != 0 { insert(hash: UInt32(entry >> 32), id: Int32(entry & 0xFFFF_FFFF) - 1) }
    }

    /// A multiplicative mix of the slots (the ids are the detector's own numbers, not chosen by
    /// whoever sends the values, so no keyed hash is needed).
    private static func hash(_ slots: some Collection<Int32>) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for slot in slots { h = (h ^ UInt64(UInt32(bitPattern: slot))) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 29 }
        return UInt32(truncatingIfNeeded: h >> 32)
    }

    private static func grow(_ lists: inout [[Int32]], to slot: Int32) {
        if Int(slot) >= lists.count { lists.append(contentsOf: repeatElement([], count: Int(slot) + 1 - lists.count)) }
    }
}
