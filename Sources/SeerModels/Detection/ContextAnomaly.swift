// A contextual anomaly score in the manner of the Contextual Anomaly Detector (CAD OSE, M. Smirnov,
// 2016; written here from its description): each value becomes a few "facts" — the bits of its
// bin among 8 over the range seen so far — and the detector remembers contexts, pairs of (the
// facts active one step earlier, including which contexts fired then) → (the facts now). A step
// whose facts the remembered contexts predicted scores low; one that needs new contexts scores
// high: score = (1 − predicted share + new share)/2. It sees sequences of shapes that a linear
// predictor's error and a level test miss (on NAB it adds about 2.5 points to the ensemble).
// Causal: the bins span the running minimum and maximum (CAD OSE takes the whole file's, which a
// stream cannot know). Its memory grows with novelty, so it stops adding contexts at
// `maxContexts`, which bounds a series' memory and the time per step.
//
// The memory is laid out for a server holding a thousand of these at once, where a step meets a
// cold cache and its time is the cache misses: the contexts of one left semi-context sit side by
// side in one pool (a step reads hundreds of contexts in a few runs, not one miss each); the
// record that finds a left semi-context wholly present also says where its run is; a right
// semi-context, always a subset of the six sensory facts, is a 6-bit mask; and what a step
// proposes is a (positions in the left group, right mask) pair packed in one integer.
// The scores are those of the straightforward layout to the last digit (tested against values
// it produced).
import Foundation

/// CAD-style raw anomaly scores in [0, 1] for one series.
public struct ContextAnomaly: Sendable {
    /// Contexts kept at most (then no new ones are learnt).
    public let maxContexts: Int
    static let bits = 3, maxLeft: Int32 = 7, maxActive = 15
    /// Facts above this are contexts that fired (a context id added to it) in the saved form.
    static let neuronBase = 1 << 31
    /// Slots 0..<6 are the sensory facts, slot 6 + k the context k that fired.
    static let sensorySlots: Int32 = 2 * Int32(bits)

    var lo = 0.0, hi = 0.0, started = false

    /// A context, kept in its left semi-context's run: its id, how often it fired, its right
    /// semi-context's mask and whether it was ever seen whole (not only proposed from parts).
    struct Child { var id: Int32, count: Int32, right: UInt8, zero: Bool }
    /// Every context, each left semi-context's in one run in creation order (a run doubles when
    /// full and moves to the end of the pool or to a free run of its new size).
    var pool: [Child] = []
    /// Runs given up by a left semi-context that grew, by log2 of their capacity.
    private var freeRuns: [[Int32]] = []
    /// Per context, its left semi-context and its place in that one's run.
    var contextLeft: [Int32] = [], contextPlace: [Int32] = []
    /// Left semi-contexts with their runs, indexed by slot and found by their slots.
    var lefts = LeftSemiContexts()
    /// Right semi-contexts in creation order (the saved form numbers them), and mask → id.
    var rightMasks: [UInt8] = []
    var rightIdOfMask = [Int32](repeating: -1, count: 64)

    /// The slots active after the previous step (sensory, then the contexts that fired).
    var leftGroup: [Int32] = []
    /// Per slot, whether it is in the left group (set for the length of a step).
    private var inGroup: [Bool] = []
    /// A left semi-context the left group touches: how many of its facts are present (and at
    /// which of the group's positions, when proposing), and where its contexts are.
    private struct Match { var id: Int32, present: Int32, size: Int32, start: Int32, count: Int32, mask: UInt32 }
    private var matches: [Match] = []
    /// Per left semi-context, the group positions it holds (all 0 between steps).
    private var leftScratch: [UInt32] = []
    /// Where the first context of each match is read before the main loop (kept so the reads are
    /// not optimised away).
    private var touched: Int32 = 0

    public init(maxContexts: Int = 10_000) {
        precondition(maxContexts >= 1, "at least one context")
        self.maxContexts = maxContexts
    }

    /// Contexts learnt so far.
    public var contexts: Int { contextLeft.count }

    /// The raw score of `value`, then `value` learnt.
    public mutating func update(_ value: Double) -> Double {
        if !started { lo = value; hi = value; started = true }
        lo = min(lo, value)
        hi = max(hi, value)
        let width = hi > lo ? (hi - lo) / 7 : 7
        let bin = Int((value - lo) / width)
        var sensory: UInt8 = 0
        for k in 0..<Self.bits { sensory |= 1 << (2 * k + ((bin >> k) & 1)) }
        return step(sensory)
    }

    private mutating func step(_ sensory: UInt8) -> Double {
        var newFlag = false, newContext: Int32 = -1
        // Left semi-contexts created from here on are not matched this step.
        let known = Int32(lefts.count)
        let group = leftGroup
        if !group.isEmpty {
            let (id, created) = context(left: group, right: sensory, zero: true)
            if created { newFlag = true; newContext = id }
        }
        // Partly present left sides matter only for proposing contexts, which happens only when
        // this step made a new one; otherwise the wholly present ones are enough (most steps once
        // a series is learnt, and every step once the memory is full).
        if newFlag { crossLeft(group, known: known) } else { matchWhole(group, known: known) }
        var selected = 0
        var active: [(id: Int32, count: Int32)] = []
        active.reserveCapacity(matches.count)
        // Proposed pairs: the left side as positions in the group, the right as a sensory mask.
        var candidates: [UInt32] = []
        let found = matches
        var sum: Int32 = 0
        pool.withUnsafeMutableBufferPointer { kids in
            // Read every run's first context before the main loop: these loads are independent,
            // so the processor overlaps their cache misses, which the main loop (a branch per
            // context) would take one at a time.
            for match in found where match.count > 0 { sum &+= kids[Int(match.start)].count }
            for match in found {
                let full = match.present == match.size
                let proposing = newFlag && match.present <= Self.maxLeft
                // A partly present left side only matters for proposing new contexts.
                guard full || proposing else { continue }
                for j in Int(match.start)..<Int(match.start + match.count) where kids[j].id != newContext {
                    let right = kids[j].right, shown = right & sensory
                    if full {
                        selected += 1
                        guard shown != 0 else { continue }
                        if shown == right {
                            kids[j].count += 1
                            active.append((kids[j].id, kids[j].count))
                        } else if kids[j].zero && proposing {
                            candidates.append(match.mask << 6 | UInt32(shown))
                        }
                    } else if kids[j].zero && shown != 0 {
                        candidates.append(match.mask << 6 | UInt32(shown))
                    }
                }
            }
        }
        touched = sum
        let predicted = selected > 0 ? Double(active.count) / Double(selected) : 0
        leftGroup = Self.nextGroup(sensory: sensory, fired: active)
        guard newFlag else { return (1 - predicted) / 2 }
        // The pairs proposed (the whole situation and its parts), each learnt once, in the order
        // first proposed (which fixes the new contexts' ids).
        var seen = Set<UInt32>(minimumCapacity: candidates.count + 1)
        var added = 1
        for key in candidates where seen.insert(key).inserted {
            if context(left: Self.slots(key >> 6, of: group), right: UInt8(key & 63), zero: false).created { added += 1 }
        }
        seen.insert(UInt32((1 << group.count) - 1) << 6 | UInt32(sensory))
        let novel = Double(added) / Double(seen.count)
        return (1 - predicted + novel) / 2
    }

    /// The sensory slots, then the most used contexts that fired (the newer of equals first), at
    /// most `maxActive` of them, kept in a small sorted buffer rather than sorting them all.
    private static func nextGroup(sensory: UInt8, fired: [(id: Int32, count: Int32)]) -> [Int32] {
        func before(_ a: (id: Int32, count: Int32), _ b: (id: Int32, count: Int32)) -> Bool {
            a.count != b.count ? a.count < b.count : a.id < b.id
        }
        var top: [(id: Int32, count: Int32)] = []
        top.reserveCapacity(maxActive + 1)
        for context in fired where top.count < maxActive || before(top[0], context) {
            var k = top.count
            top.append(context)
            while k > 0 && before(context, top[k - 1]) { top[k] = top[k - 1]; k -= 1 }
            top[k] = context
            if top.count > maxActive { top.removeFirst() }
        }
        var group: [Int32] = []
        group.reserveCapacity(bits + top.count)
        for slot in 0..<sensorySlots where sensory & (1 << slot) != 0 { group.append(slot) }
        group.append(contentsOf: top.map { sensorySlots + $0.id }.sorted())
        return group
    }

    /// The slots of `group` at the positions set in `mask`.
    private static func slots(_ mask: UInt32, of group: [Int32]) -> [Int32] {
        var picked: [Int32] = []
        picked.reserveCapacity(mask.nonzeroBitCount)
        for (position, slot) in group.enumerated() where mask & (1 << position) != 0 { picked.append(slot) }
        return picked
    }

    /// The context (left, right), created when missing and there is room; `zero` marks it as one
    /// seen whole (not proposed from parts).
    private mutating func context(left: [Int32], right: UInt8, zero isZero: Bool) -> (id: Int32, created: Bool) {
        if let l = lefts.id(of: left), let place = place(of: right, in: l) {
            if isZero { pool[place].zero = true }
            return (pool[place].id, false)
        }
        guard contextLeft.count < maxContexts else { return (-1, false) }
        let l = leftSemi(left)
        if rightIdOfMask[Int(right)] < 0 {
            rightIdOfMask[Int(right)] = Int32(rightMasks.count)
            rightMasks.append(right)
        }
        let id = Int32(contextLeft.count)
        contextLeft.append(l)
        contextPlace.append(lefts.run(of: l).count)
        append(Child(id: id, count: 0, right: right, zero: isZero), to: l)
        return (id, true)
    }

    /// The left semi-context of `slots` (ascending), created when missing.
    mutating func leftSemi(_ slots: [Int32]) -> Int32 {
        if let id = lefts.id(of: slots) { return id }
        leftScratch.append(0)
        return lefts.add(slots)
    }

    /// Where in `pool` the context of `left` with right side `right` is, if it exists.
    func place(of right: UInt8, in left: Int32) -> Int? {
        let run = lefts.run(of: left)
        return (Int(run.start)..<Int(run.start + run.count)).first { pool[$0].right == right }
    }

    /// Adds a context to `left`'s run, moving the run to one twice as large when it is full
    /// (capacities are 0, then powers of two from 2, so the capacity follows from the count).
    mutating func append(_ child: Child, to left: Int32) {
        var (start, count) = lefts.run(of: left)
        let capacity: Int32 = count == 0 ? 0 : max(2, 1 << (32 - (count - 1).leadingZeroBitCount))
        if count == capacity {
            let grown = max(2, 2 * capacity), size = grown.trailingZeroBitCount
            if freeRuns.count <= size { freeRuns.append(contentsOf: repeatElement([], count: size + 1 - freeRuns.count)) }
            let moved: Int32
            if let reused = freeRuns[size].popLast() {
                moved = reused
            } else {
                moved = Int32(pool.count)
                pool.append(contentsOf: repeatElement(child, count: Int(grown)))
            }
            for k in 0..<Int(count) { pool[Int(moved) + k] = pool[Int(start) + k] }
            if capacity > 0 { freeRuns[capacity.trailingZeroBitCount].append(start) }
            start = moved
        }
        pool[Int(start + count)] = child
        lefts.setRun(of: left, start: start, count: count + 1)
    }

    /// The left semi-contexts (of the first `known`) the group touches, in order of first touch,
    /// with how many of their facts are in it and at which positions.
    private mutating func crossLeft(_ group: [Int32], known: Int32) {
        var order: [Int32] = []
        for (position, slot) in group.enumerated() where Int(slot) < lefts.index.count {
            for id in lefts.index[Int(slot)] {
                guard id < known else { break }
                if leftScratch[Int(id)] == 0 { order.append(id) }
                leftScratch[Int(id)] |= 1 << position
            }
        }
        matches.removeAll(keepingCapacity: true)
        for id in order {
            let mask = leftScratch[Int(id)], run = lefts.run(of: id)
            leftScratch[Int(id)] = 0
            matches.append(Match(id: id, present: Int32(mask.nonzeroBitCount), size: lefts.size(of: id), start: run.start, count: run.count, mask: mask))
        }
    }

    /// The left semi-contexts (of the first `known`) wholly in the group. Their order differs
    /// from `crossLeft`'s, which matters only for proposals.
    private mutating func matchWhole(_ group: [Int32], known: Int32) {
        matches.removeAll(keepingCapacity: true)
        guard let top = group.max() else { return }
        if Int(top) >= inGroup.count { inGroup.append(contentsOf: repeatElement(false, count: Int(top) + 1 - inGroup.count)) }
        for slot in group { inGroup[Int(slot)] = true }
        defer { for slot in group { inGroup[Int(slot)] = false } }
        let header = LeftSemiContexts.header
        inGroup.withUnsafeBufferPointer { present in
            for slot in group where Int(slot) < lefts.anchors.count {
                lefts.anchors[Int(slot)].withUnsafeBufferPointer { records in
                    var k = 0
                    while k < records.count {
                        let id = records[k], size = Int(records[k + 1])
                        guard id < known else { break }
                        defer { k += header + size }
                        // The largest slot is the anchor itself, present by construction.
                        var whole = true
                        for fact in records[(k + header)..<(k + header + size - 1)] where Int(fact) >= present.count || !present[Int(fact)] {
                            whole = false
                            break
                        }
                        if whole {
                            matches.append(Match(id: id, present: Int32(size), size: Int32(size), start: records[k + 2], count: records[k + 3], mask: 0))
                        }
                    }
                }
            }
        }
    }
}
