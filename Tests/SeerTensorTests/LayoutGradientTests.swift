// Gradient checks for the layout ops and the kernels behind them: reshape (shared storage),
// permute (rank 3 and 4, several permutations) and transpose, and the axis-copy kernel through
// slice (on every axis), split and concatenate (three pieces along a middle axis).
// Tolerance: tol = 1e-4 (bounds in GradientCheck.swift), though these ops only move values, so
// Seer should be exact.
import Testing
@testable import SeerTensor

/// Naive permute: output axis a is input axis `permutation[a]`, i.e. out[i_0, i_1, …] =
/// x[j] with j[permutation[a]] = i_a. Walks the output in order, carrying its multi-index.
func referencePermute(_ x: [Double], _ dims: [Int], _ permutation: [Int]) -> [Double] {
    let outDims = permutation.map { dims[$0] }
    var inStrides = [Int](repeating: 1, count: dims.count)
    for a in stride(from: dims.count - 2, through: 0, by: -1) { inStrides[a] = inStrides[a + 1] * dims[a + 1] }
    var out = [Double](repeating: 0, count: x.count)
    var index = [Int](repeating: 0, count: dims.count)
    for flat in out.indices {
        var source = 0
        for a in index.indices { source += index[a] * inStrides[permutation[a]] }
        out[flat] = x[source]
        // Advance the output multi-index (last axis fastest).
        var a = index.count - 1
        while a >= 0 {
            index[a] += 1
            if index[a] < outDims[a] { break }
            index[a] = 0
            a -= 1
        }
    }
    return out
}

/// Naive slice: elements `range` along `axis` (x viewed as [outer, dim, inner] around it).
func referenceSlice(_ x: [Double], _ dims: [Int], axis: Int, _ range: Range<Int>) -> [Double] {
    let (outer, dim, inner) = outerDimInner(dims, around: axis)
    var out: [Double] = []
    for o in 0..<outer {
        for d in range { out += x[((o * dim + d) * inner)..<((o * dim + d + 1) * inner)] }
    }
    return out
}

/// Naive concatenation of `pieces` (shapes `dims` each) along `axis`: for each outer index,
/// each piece's block in turn.
func referenceConcatenate(_ pieces: [[Double]], _ dims: [[Int]], axis: Int) -> [Double] {
    let outer = outerDimInner(dims[0], around: axis).outer
    var out: [Double] = []
    for o in 0..<outer {
        for (piece, pieceDims) in zip(pieces, dims) {
            let (_, dim, inner) = outerDimInner(pieceDims, around: axis)
            out += piece[(o * dim * inner)..<((o + 1) * dim * inner)]
        }
    }
    return out
}

struct LayoutGradientTests {
    @Test func reshaped() {
        var rng = SplitMix64(seed: 71)
        let x = Operand.random([2, 3, 4], &rng)
        checkOp("reshaped [2,3,4]→[4,6]", [x], seed: 71, seer: { $0[0].reshaped([4, 6]) }, reference: { $0[0] })
        // A chain of reshapes, then an op that reads the (shared) storage in the new shape.
        checkOp("reshape chain + row sum", [x], seed: 72,
                seer: { $0[0].reshaped([6, 4]).reshaped([24]).reshaped([3, 8]).sum(axis: 1) },
                reference: { referenceReduce($0[0], [3, 8], axis: 1, mean: false) })
    }

    static let rank3Permutations: [[Int]] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]]
    static let rank4Permutations: [[Int]] = [[0, 2, 1, 3], [0, 1, 3, 2], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]]

    @Test(arguments: rank3Permutations)
    func permutedRank3(permutation: [Int]) {
        var rng = SplitMix64(seed: 73)
        let dims = [2, 3, 4]
        let x = Operand.random(Shape(dims), &rng)
        checkOp("permuted \(permutation) of \(dims)", [x], seed: 73, seer: { $0[0].permuted(permutation) },
                reference: { referencePermute($0[0], dims, permutation) })
    }

    @Test(arguments: rank4Permutations)
    func permutedRank4(permutation: [Int]) {
        var rng = SplitMix64(seed: 74)
        let dims = [2, 3, 4, 5]
        let x = Operand.random(Shape(dims), &rng)
        let check = checkOp("permuted \(permutation) of \(dims)", [x], seed: 74, seer: { $0[0].permuted(permutation) },
                            reference: { referencePermute($0[0], dims, permutation) })
        #expect(check.outputs.first?.count == 120)
        #expect(Tensor.zeros(Shape(dims)).permuted(permutation).shape == Shape(permutation.map { dims[$0] }))
    }

    @Test func permuteTwiceIsTheInverse() {
        // permuted(p) then permuted(p⁻¹) is the identity, forward and backward.
        var rng = SplitMix64(seed: 75)
        let x = Operand.random([2, 3, 4, 5], &rng)
        checkOp("permute ∘ inverse", [x], seed: 75, seer: { $0[0].permuted([1, 3, 0, 2]).permuted([2, 0, 3, 1]) },
                reference: { $0[0] })
    }

    @Test func transposed() {
        var rng = SplitMix64(seed: 76)
        let dims = [2, 3, 4]
        let x = Operand.random(Shape(dims), &rng)
        checkOp("transposed()", [x], seed: 76, seer: { $0[0].transposed() },
                reference: { referencePermute($0[0], dims, [0, 2, 1]) })
        checkOp("transposed(0, 2)", [x], seed: 77, seer: { $0[0].transposed(0, 2) },
                reference: { referencePermute($0[0], dims, [2, 1, 0]) })
        checkOp("transposed(0, -2)", [x], seed: 78, seer: { $0[0].transposed(0, -2) },
                reference: { referencePermute($0[0], dims, [1, 0, 2]) })
    }

    @Test(arguments: [(0, 1..<3), (1, 1..<3), (2, 2..<5), (-1, 0..<1), (1, 0..<4)])
    func slice(axis: Int, range: Range<Int>) {
        var rng = SplitMix64(seed: 79)
        let dims = [3, 4, 5]
        let x = Operand.random(Shape(dims), &rng)
        let a = axis < 0 ? axis + dims.count : axis
        checkOp("slice(axis: \(axis), \(range))", [x], seed: 79, seer: { $0[0].slice(axis: axis, range) },
                reference: { referenceSlice($0[0], dims, axis: a, range) })
    }

    @Test func overlappingSlicesAccumulate() {
        // Two overlapping slices of one tensor: the overlap receives both gradients.
        var rng = SplitMix64(seed: 80)
        let dims = [2, 5, 3]
        let x = Operand.random(Shape(dims), &rng)
        checkOp("overlapping slices", [x], seed: 80, seer: { [$0[0].slice(axis: 1, 0..<3), $0[0].slice(axis: 1, 2..<5)] },
                reference: { referenceSlice($0[0], dims, axis: 1, 0..<3) + referenceSlice($0[0], dims, axis: 1, 2..<5) })
    }

    @Test(arguments: [0, 1, 2])
    func split(axis: Int) {
        var rng = SplitMix64(seed: 81)
        let dims = [4, 6, 5]
        let sizes = [[1, 3], [1, 2, 3], [2, 0, 3]][axis]
        let x = Operand.random(Shape(dims), &rng)
        let check = checkOp("split(axis: \(axis), \(sizes))", [x], seed: 81,
                            seer: { $0[0].split(axis: axis, sizes: sizes) },
                            reference: { v in
                                var start = 0
                                return sizes.flatMap { size in
                                    defer { start += size }
                                    return referenceSlice(v[0], dims, axis: axis, start..<(start + size))
                                }
                            })
        #expect(check.outputs.count == sizes.count)
    }

    @Test func concatenateThreeAlongMiddleAxis() {
        var rng = SplitMix64(seed: 82)
        let dims = [[2, 1, 3], [2, 3, 3], [2, 2, 3]]
        let pieces = dims.map { Operand.random(Shape($0), &rng) }
        checkOp("concatenate axis 1", pieces, seed: 82, seer: { Tensor.concatenate($0, axis: 1) },
                reference: { referenceConcatenate($0, dims, axis: 1) })
    }

    @Test func concatenateWithAnUntrackedPiece() {
        // A constant piece between tracked ones (e.g. padding) gets no gradient; the others do.
        var rng = SplitMix64(seed: 83)
        let dims = [[3, 2, 2], [3, 2, 1], [3, 2, 3]]
        var pieces = dims.map { Operand.random(Shape($0), &rng) }
        pieces[1].differentiable = false
        checkOp("concatenate axis -1, constant middle", pieces, seed: 83, seer: { Tensor.concatenate($0, axis: -1) },
                reference: { referenceConcatenate($0, dims, axis: 2) })
        let first = [[1, 2, 2], [2, 2, 2]].map { Operand.random(Shape($0), &rng) }
        checkOp("concatenate axis 0", first, seed: 84, seer: { Tensor.concatenate($0, axis: 0) },
                reference: { referenceConcatenate($0, [[1, 2, 2], [2, 2, 2]], axis: 0) })
    }

    @Test func splitThenConcatenateIsIdentity() {
        var rng = SplitMix64(seed: 85)
        let x = Operand.random([2, 6, 3], &rng)
        checkOp("concatenate(split)", [x], seed: 85,
                seer: { Tensor.concatenate($0[0].split(axis: 1, sizes: [2, 1, 3]).reversed(), axis: 1) },
                reference: { v in
                    [3..<6, 2..<3, 0..<2].flatMap { referenceSlice(v[0], [2, 6, 3], axis: 1, $0) }
                        .chunkedConcat(pieceDims: [[2, 3, 3], [2, 1, 3], [2, 2, 3]], axis: 1)
                })
    }
}

extension Array where Element == Double {
    /// Splits self (pieces laid end to end) and concatenates them along `axis`.
    func chunkedConcat(pieceDims: [[Int]], axis: Int) -> [Double] {
        var pieces: [[Double]] = [], start = 0
        for dims in pieceDims {
            let count = dims.reduce(1, *)
            pieces.append(Array(self[start..<(start + count)]))
            start += count
        }
        return referenceConcatenate(pieces, pieceDims, axis: axis)
    }
}
