// The saved form of `ContextAnomaly` (inside `seer detect --state` files and model folders). It
// numbers facts as CAD does — sensory 0..<6, a fired context k as neuronBase + k — and holds only
// what was learnt; the pool, the indexes and the lookup table are rebuilt from it. A damaged file
// is refused rather than trusted: facts out of order, a fact naming no context, or a semi-context
// or context saved twice would otherwise make wrong matches or indexes as large as the number a
// damaged file names.
import Foundation

extension ContextAnomaly: Codable {
    enum CodingKeys: String, CodingKey { case maxContexts, started, lo, hi, leftFacts, rightFacts, contextLeft, contextRight, counts, zero, leftGroup }

    private static func fact(_ slot: Int32) -> Int { slot < sensorySlots ? Int(slot) : neuronBase + Int(slot - sensorySlots) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxContexts, forKey: .maxContexts)
        try c.encode(started, forKey: .started)
        try c.encode(lo, forKey: .lo)
        try c.encode(hi, forKey: .hi)
        try c.encode((0..<Int32(lefts.count)).map { lefts.slots(of: $0).map(Self.fact) }, forKey: .leftFacts)
        try c.encode(rightMasks.map { mask in (0..<Int(Self.sensorySlots)).filter { mask & (1 << $0) != 0 } }, forKey: .rightFacts)
        let kept = contextLeft.indices.map { pool[Int(lefts.run(of: contextLeft[$0]).start + contextPlace[$0])] }
        try c.encode(contextLeft.map(Int.init), forKey: .contextLeft)
        try c.encode(kept.map { Int(rightIdOfMask[Int($0.right)]) }, forKey: .contextRight)
        try c.encode(kept.map { Int($0.count) }, forKey: .counts)
        try c.encode(kept.map(\.zero), forKey: .zero)
        try c.encode(leftGroup.map(Self.fact), forKey: .leftGroup)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(maxContexts: try c.decode(Int.self, forKey: .maxContexts))
        started = try c.decode(Bool.self, forKey: .started)
        lo = try c.decode(Double.self, forKey: .lo)
        hi = try c.decode(Double.self, forKey: .hi)
        let savedLefts = try c.decode([[Int]].self, forKey: .leftFacts), savedRights = try c.decode([[Int]].self, forKey: .rightFacts)
        let cl = try c.decode([Int].self, forKey: .contextLeft), cr = try c.decode([Int].self, forKey: .contextRight)
        let savedCounts = try c.decode([Int].self, forKey: .counts), savedZero = try c.decode([Bool].self, forKey: .zero)
        let savedGroup = try c.decode([Int].self, forKey: .leftGroup)
        func corrupt(_ what: String) -> DecodingError { .dataCorruptedError(forKey: .counts, in: c, debugDescription: what) }
        guard cl.count == cr.count, cl.count == savedCounts.count, cl.count == savedZero.count, cl.count <= maxContexts,
              savedCounts.allSatisfy({ (0...Int(Int32.max)).contains($0) }),
              cl.allSatisfy(savedLefts.indices.contains), cr.allSatisfy(savedRights.indices.contains) else {
            throw corrupt("the contexts do not match their semi-contexts")
        }
        guard savedGroup.count <= Self.bits + Self.maxActive else { throw corrupt("a left group of \(savedGroup.count) facts") }
        // Facts ascending, each a sensory fact or a context that exists.
        func slots(_ facts: [Int]) throws -> [Int32] {
            let slots = try facts.map { fact -> Int32 in
                if (0..<Int(Self.sensorySlots)).contains(fact) { return Int32(fact) }
                guard fact >= Self.neuronBase, fact - Self.neuronBase < cl.count else { throw corrupt("a fact names no context: \(fact)") }
                return Self.sensorySlots + Int32(fact - Self.neuronBase)
            }
            guard zip(slots, slots.dropFirst()).allSatisfy({ $0 < $1 }) else { throw corrupt("facts out of order") }
            return slots
        }
        for facts in savedLefts {
            let semi = try slots(facts)
            guard !semi.isEmpty, lefts.id(of: semi) == nil else { throw corrupt("a left semi-context empty or saved twice") }
            _ = leftSemi(semi)
        }
        for facts in savedRights {
            let semi = try slots(facts)
            guard !semi.isEmpty, semi.allSatisfy({ $0 < Self.sensorySlots }) else { throw corrupt("a right semi-context holds more than sensory facts") }
            let mask = semi.reduce(UInt8(0)) { $0 | 1 << UInt8($1) }
            guard rightIdOfMask[Int(mask)] < 0 else { throw corrupt("a right semi-context saved twice") }
            rightIdOfMask[Int(mask)] = Int32(rightMasks.count)
            rightMasks.append(mask)
        }
        for k in cl.indices {
            let left = Int32(cl[k]), right = rightMasks[cr[k]]
            guard place(of: right, in: left) == nil else { throw corrupt("a context saved twice") }
            contextLeft.append(left)
            contextPlace.append(lefts.run(of: left).count)
            append(Child(id: Int32(k), count: Int32(savedCounts[k]), right: right, zero: savedZero[k]), to: left)
        }
        leftGroup = try slots(savedGroup)
    }
}
