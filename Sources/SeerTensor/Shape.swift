// The shape of a tensor: a list of dimensions, row-major (the last axis is contiguous).

/// Dimensions of a tensor, outermost first.
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var dims: [Int]

    public init(_ dims: [Int]) {
        precondition(dims.allSatisfy { $0 >= 0 }, "negative dimension in shape \(dims)")
        self.dims = dims
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    public var rank: Int { dims.count }
    /// Number of elements (1 for a scalar of rank 0).
    public var count: Int { dims.reduce(1, *) }
    public subscript(axis: Int) -> Int { dims[axis] }
    public var last: Int { dims.last ?? 1 }

    /// Normalises a possibly negative axis (-1 = last).
    public func axis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(self)")
        return a
    }

    /// Product of the dimensions before `axis`, the dimension itself, and the product after it.
    public func split(at axis: Int) -> (outer: Int, dim: Int, inner: Int) {
        let a = self.axis(axis)
        return (dims[..<a].reduce(1, *), dims[a], dims[(a + 1)...].reduce(1, *))
    }

    /// Row-major strides.
    public var strides: [Int] {
        var strides = [Int](repeating: 1, count: rank)
        var step = 1
        for i in stride(from: rank - 1, through: 0, by: -1) {
            strides[i] = step
            step *= dims[i]
        }
        return strides
    }

    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}
