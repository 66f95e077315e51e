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
import Foundation

/// CAD-style raw anomaly scores in [0, 1] for one series.
public struct ContextAnomaly: Sendable {
    /// Contexts kept at most (then no new ones are learnt).
    public let maxContexts: Int
    static let bits = 3, maxLeft = 7, maxActive = 15
    /// Facts above this are contexts that fired (a context id added to it).
    static let neuronBase = 1 << 31

    private var lo = 0.0, hi = 0.0, started = false
    // Semi-contexts: sorted fact lists, left (the previous step's) and right (this step's).
    private var leftFacts: [[Int]] = [], rightFacts: [[Int]] = []
    private var leftIds: [[Int]: Int] = [:], rightIds: [[Int]: Int] = [:]
    /// Fact (by `slot`) → the semi-contexts holding it, in creation order.
    private var leftIndex: [[Int32]] = [], rightIndex: [[Int32]] = []
    /// Fact (by `slot`) → the left semi-contexts whose largest fact it is: every left semi-context
    /// wholly present is found once under its largest fact, without touching the many that share
    /// a sensory fact with the group but are not wholly present.
    private var leftAnchor: [[Int32]] = []
    /// Facts per right and per left semi-context, side by side in flat arrays: a step compares
    /// hundreds of them, and reading each count through its fact list's own buffer was a cache
    /// miss apiece (the largest single cost of a step).
    private var rightSizes: [Int32] = [], leftSizes: [Int32] = []
    /// Per fact slot, whether it is in the left group (set for the length of a step).
    private var inLeftGroup: [Bool] = []
    /// Per left semi-context, its contexts in creation order.
    private var children: [[Int32]] = []
    private var contextLeft: [Int] = []
    /// Per context, what every step reads of it side by side — its right semi-context and how
    /// often it fired — one memory access per context rather than one per array (a step reads
    /// ~900 contexts once the memory of a noisy series is full).
    private struct Cell { var right: Int32, count: Int32 }
    private var cells: [Cell] = []
    private var contextIds: [Int: Int] = [:]
    private var zero: [Bool] = []
    /// The facts active after the previous step, and (found at the start of each step) the left
    /// semi-contexts they touch with how many of each one's facts are present.
    private var leftGroup: [Int] = []
    private var matchOrder: [Int32] = [], matchCount: [Int32] = []
    /// Scratch counts per semi-context (all 0 between steps), so crossing needs no dictionary.
    private var leftScratch: [Int32] = [], rightScratch: [Int32] = []

    public init(maxContexts: Int = 10_000) {
        precondition(maxContexts >= 1, "at least one context")
        self.maxContexts = maxContexts
    }

    /// Contexts learnt so far.
    public var contexts: Int { cells.count }

    /// The raw score of `value`, then `value` learnt.
    public mutating func update(_ value: Double) -> Double {
        if !started { lo = value; hi = value; started = true }
        lo = min(lo, value)
        hi = max(hi, value)
        let width = hi > lo ? (hi - lo) / 7 : 7
        let bin = Int((value - lo) / width)
        let facts = (0..<Self.bits).map { 2 * $0 + ((bin >> $0) & 1) }
        return step(facts)
    }

    private struct Pair: Hashable { var left: [Int], right: [Int] }

    /// A fact's place in the per-fact arrays: sensory facts first, then the context ids.
    @inline(__always) private static func slot(_ fact: Int) -> Int { fact < neuronBase ? fact : 2 * bits + (fact - neuronBase) }

    /// The per-fact list at `fact`'s slot, grown when needed.
    private static func add(_ id: Int, at fact: Int, to lists: inout [[Int32]]) {
        let k = slot(fact)
        if k >= lists.count { lists.append(contentsOf: repeatElement([], count: k + 1 - lists.count)) }
        lists[k].append(Int32(id))
    }

    private mutating func step(_ sensory: [Int]) -> Double {
        var newFlag = false, newContext = -1
        // Left semi-contexts created from here on are not matched this step.
        let known = leftFacts.count
        if !leftGroup.isEmpty {
            let (id, created) = context(leftGroup, sensory, zero: true)
            if created { newFlag = true; newContext = id }
        }
        // Partly present left sides matter only for proposing contexts, which happens only when
        // this step made a new one; otherwise the wholly present ones are enough (most steps once
        // a series is learnt, and every step once the memory is full).
        if newFlag { crossLeft(known: known) } else { matchWhole(known: known) }
        // How many of each right semi-context's facts are present now.
        var touchedRight: [Int32] = []
        for fact in sensory where Self.slot(fact) < rightIndex.count {
            for id in rightIndex[Self.slot(fact)] {
                if rightScratch[Int(id)] == 0 { touchedRight.append(id) }
                rightScratch[Int(id)] += 1
            }
        }
        defer { for id in touchedRight { rightScratch[Int(id)] = 0 } }
        var selected = 0
        var active: [Int] = [], candidates: [Pair] = []
        active.reserveCapacity(matchOrder.count)
        for (k, left32) in matchOrder.enumerated() {
            let left = Int(left32), present = Int(matchCount[k])
            let full = present == Int(leftSizes[left])
            // A partly present left side only matters for proposing new contexts.
            guard full || (newFlag && present <= Self.maxLeft) else { continue }
            for id32 in children[left] where Int(id32) != newContext {
                let id = Int(id32), right = Int(cells[id].right)
                let rightPresent = Int(rightScratch[right])
                if full {
                    selected += 1
                    guard rightPresent > 0 else { continue }
                    if rightPresent == Int(rightSizes[right]) {
                        cells[id].count += 1
                        active.append(id)
                    } else if zero[id] && newFlag && present <= Self.maxLeft {
                        candidates.append(Pair(left: Self.presentFacts(leftFacts[left], in: leftGroup), right: Self.presentFacts(rightFacts[right], in: sensory)))
                    }
                } else if zero[id], rightPresent > 0 {
                    candidates.append(Pair(left: Self.presentFacts(leftFacts[left], in: leftGroup), right: Self.presentFacts(rightFacts[right], in: sensory)))
                }
            }
        }
        let predicted = selected > 0 ? Double(active.count) / Double(selected) : 0
        // The most used contexts that fired (the newer of equals first) join the next left group:
        // the top `maxActive` kept in a small sorted buffer (sorting every fired context cost a
        // sixth of the time).
        // Over a local copy of the counts (one retain): a local function reading `self.cells` made
        // the compiler copy the whole detector, all its arrays retained and released, every step.
        let counts = cells
        func before(_ a: Int, _ b: Int) -> Bool { counts[a].count != counts[b].count ? counts[a].count < counts[b].count : a < b }
        var top: [Int] = []
        top.reserveCapacity(Self.maxActive + 1)
        for id in active where top.count < Self.maxActive || before(top[0], id) {
            var k = top.count
            top.append(id)
            while k > 0 && before(id, top[k - 1]) { top[k] = top[k - 1]; k -= 1 }
            top[k] = id
            if top.count > Self.maxActive { top.removeFirst() }
        }
        // The pairs proposed (the whole situation and its parts), counted only when something was new.
        let proposed = newFlag ? Set(candidates + [Pair(left: leftGroup, right: sensory)]).count : 0
        // Sensory facts (< 6) and the fired contexts' facts (distinct ids) never coincide: no set needed.
        leftGroup = sensory + top.map { Self.neuronBase + $0 }.sorted()
        var added = 0
        for pair in candidates where context(pair.left, pair.right, zero: false).created { added += 1 }
        if newFlag { added += 1 }
        let novel = newFlag && proposed > 0 ? Double(added) / Double(proposed) : 0
        return (1 - predicted + novel) / 2
    }

    /// The facts of `facts` (sorted) that are in `group` (sorted), in order.
    private static func presentFacts(_ facts: [Int], in group: [Int]) -> [Int] {
        facts.filter { fact in
            var lo = 0, hi = group.count
            while lo < hi { let mid = (lo + hi) / 2; if group[mid] < fact { lo = mid + 1 } else { hi = mid } }
            return lo < group.count && group[lo] == fact
        }
    }

    /// The context (left, right), created when missing and there is room; `zero` marks it as one
    /// seen whole (not proposed from parts).
    private mutating func context(_ left: [Int], _ right: [Int], zero isZero: Bool) -> (id: Int, created: Bool) {
        if let l = leftIds[left], let r = rightIds[right], let id = contextIds[l << 32 | r] {
            if isZero { zero[id] = true }
            return (id, false)
        }
        guard cells.count < maxContexts else { return (-1, false) }
        let l = semi(left, isLeft: true), r = semi(right, isLeft: false)
        let id = cells.count
        contextIds[l << 32 | r] = id
        contextLeft.append(l)
        cells.append(Cell(right: Int32(r), count: 0))
        zero.append(isZero)
        children[l].append(Int32(id))
        return (id, true)
    }

    private mutating func semi(_ facts: [Int], isLeft: Bool) -> Int {
        if isLeft {
            if let id = leftIds[facts] { return id }
            let id = leftFacts.count
            leftIds[facts] = id
            leftFacts.append(facts)
            leftSizes.append(Int32(facts.count))
            children.append([])
            leftScratch.append(0)
            for fact in facts { Self.add(id, at: fact, to: &leftIndex) }
            if let largest = facts.last { Self.add(id, at: largest, to: &leftAnchor) }
            return id
        }
        if let id = rightIds[facts] { return id }
        let id = rightFacts.count
        rightIds[facts] = id
        rightFacts.append(facts)
        rightScratch.append(0)
        rightSizes.append(Int32(facts.count))
        for fact in facts { Self.add(id, at: fact, to: &rightIndex) }
        return id
    }

    /// The left semi-contexts (of the first `known`) the left group touches, in order of first
    /// touch, with how many of their facts are in it.
    private mutating func crossLeft(known: Int) {
        matchOrder.removeAll(keepingCapacity: true)
        for fact in leftGroup where Self.slot(fact) < leftIndex.count {
            for id in leftIndex[Self.slot(fact)] where Int(id) < known {
                if leftScratch[Int(id)] == 0 { matchOrder.append(id) }
                leftScratch[Int(id)] += 1
            }
        }
        matchCount = matchOrder.map { leftScratch[Int($0)] }
        for id in matchOrder { leftScratch[Int(id)] = 0 }
    }

    /// The left semi-contexts (of the first `known`) wholly in the left group, each with its full
    /// count. Their order differs from `crossLeft`'s, which matters only for proposals.
    private mutating func matchWhole(known: Int) {
        matchOrder.removeAll(keepingCapacity: true)
        matchCount.removeAll(keepingCapacity: true)
        let slots = leftGroup.map(Self.slot)
        guard let top = slots.max() else { return }
        if top >= inLeftGroup.count { inLeftGroup.append(contentsOf: repeatElement(false, count: top + 1 - inLeftGroup.count)) }
        for k in slots { inLeftGroup[k] = true }
        defer { for k in slots { inLeftGroup[k] = false } }
        for k in slots where k < leftAnchor.count {
            for id in leftAnchor[k] where Int(id) < known {
                let facts = leftFacts[Int(id)]
                guard facts.allSatisfy({ let k = Self.slot($0); return k < inLeftGroup.count && inLeftGroup[k] }) else { continue }
                matchOrder.append(id)
                matchCount.append(Int32(facts.count))
            }
        }
    }
}

extension ContextAnomaly: Codable {
    // Only what was learnt is saved; the indexes and matches are rebuilt from it.
    enum CodingKeys: String, CodingKey { case maxContexts, started, lo, hi, leftFacts, rightFacts, contextLeft, contextRight, counts, zero, leftGroup }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxContexts, forKey: .maxContexts)
        try c.encode(started, forKey: .started)
        try c.encode(lo, forKey: .lo)
        try c.encode(hi, forKey: .hi)
        try c.encode(leftFacts, forKey: .leftFacts)
        try c.encode(rightFacts, forKey: .rightFacts)
        try c.encode(contextLeft, forKey: .contextLeft)
        try c.encode(cells.map { Int($0.right) }, forKey: .contextRight)
        try c.encode(cells.map { Int($0.count) }, forKey: .counts)
        try c.encode(zero, forKey: .zero)
        try c.encode(leftGroup, forKey: .leftGroup)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(maxContexts: try c.decode(Int.self, forKey: .maxContexts))
        started = try c.decode(Bool.self, forKey: .started)
        lo = try c.decode(Double.self, forKey: .lo)
        hi = try c.decode(Double.self, forKey: .hi)
        let lefts = try c.decode([[Int]].self, forKey: .leftFacts), rights = try c.decode([[Int]].self, forKey: .rightFacts)
        let cl = try c.decode([Int].self, forKey: .contextLeft), cr = try c.decode([Int].self, forKey: .contextRight)
        let savedCounts = try c.decode([Int].self, forKey: .counts), savedZero = try c.decode([Bool].self, forKey: .zero)
        guard cl.count == cr.count, cl.count == savedCounts.count, cl.count == savedZero.count, savedCounts.allSatisfy({ (0...Int(Int32.max)).contains($0) }),
              cl.allSatisfy(lefts.indices.contains), cr.allSatisfy(rights.indices.contains) else {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: c, debugDescription: "the contexts do not match their semi-contexts")
        }
        for facts in lefts { _ = semi(facts, isLeft: true) }
        for facts in rights { _ = semi(facts, isLeft: false) }
        for k in cl.indices {
            contextIds[cl[k] << 32 | cr[k]] = k
            contextLeft.append(cl[k])
            cells.append(Cell(right: Int32(cr[k]), count: Int32(savedCounts[k])))
            children[cl[k]].append(Int32(k))
        }
        zero = savedZero
        leftGroup = try c.decode([Int].self, forKey: .leftGroup)
    }
}
