// The growable buffers behind `CSVRecordBatch`: field bytes, field end offsets, the first field
// of each record and each record's line. Plain pointers, reused across batches, so the per-field
// path of the CSV reader is a bounds check and a memcpy.

struct RecordAccumulator {
    private var byteStore: GrowableBuffer<UInt8>
    private var endStore: GrowableBuffer<Int>
    private var firstFieldStore: GrowableBuffer<Int>
    private var lineStore: GrowableBuffer<Int>
    /// Records completed in this batch, and in all batches so far.
    private(set) var records = 0
    private(set) var recordsSeen = 0
    /// Fields of the record being assembled.
    private(set) var pendingFields = 0

    /// Buffers sized for a batch of about `expectedBytes` of input, at most a 2 MB batch's worth:
    /// a small file gets small buffers (a few hundred bytes, not 2.7 MB per reader), a large one
    /// the full batch size from the start. The buffers grow when a batch needs more.
    init(expectedBytes: Int = 1 << 21) {
        let bytes = min(max(expectedBytes, 0), 1 << 21)
        byteStore = GrowableBuffer(capacity: bytes + 64)
        endStore = GrowableBuffer(capacity: min(bytes / 2, 1 << 16) + 16)
        firstFieldStore = GrowableBuffer(capacity: min(bytes / 8, 1 << 14) + 16)
        lineStore = GrowableBuffer(capacity: min(bytes / 8, 1 << 14) + 16)
        firstFieldStore.append(0)
    }

    var bytes: Int { byteStore.count }

    mutating func append(field: UnsafePointer<UInt8>?, length: Int, line: Int) {
        if pendingFields == 0 { lineStore.append(line) }
        if let field, length > 0 { byteStore.append(field, count: length) }
        endStore.append(byteStore.count)
        pendingFields += 1
    }

    mutating func endRecord() {
        guard pendingFields > 0 else { return }
        firstFieldStore.append(endStore.count)
        pendingFields = 0
        records += 1
        recordsSeen += 1
    }

    /// Frees the buffers; the accumulator must not be used afterwards.
    func deallocate() {
        byteStore.deallocate()
        endStore.deallocate()
        firstFieldStore.deallocate()
        lineStore.deallocate()
    }

    func withBatch<R>(_ body: (CSVRecordBatch) throws -> R) rethrows -> R {
        try body(CSVRecordBatch(bytes: byteStore.base, ends: endStore.base, firstField: firstFieldStore.base,
                                lines: lineStore.base, count: records))
    }

    /// Drops everything, including a record left unfinished by an earlier range.
    mutating func clear() {
        byteStore.count = 0
        endStore.count = 0
        firstFieldStore.count = 1
        lineStore.count = 0
        records = 0
        recordsSeen = 0
        pendingFields = 0
    }

    /// Drops completed records (a record still being assembled stays, moved to the front).
    mutating func reset() {
        let keepFrom = firstFieldStore[records]
        let keptFields = endStore.count - keepFrom
        let keptByteStart = keepFrom == 0 ? 0 : endStore[keepFrom - 1]
        let keptLine = pendingFields > 0 ? lineStore[records] : 0
        byteStore.removeFirst(keptByteStart)
        endStore.removeFirst(keepFrom)
        for i in 0..<keptFields { endStore[i] -= keptByteStart }
        firstFieldStore.count = 1
        lineStore.count = 0
        if pendingFields > 0 { lineStore.append(keptLine) }
        records = 0
    }
}

/// A minimal growable array over a raw allocation (no copy-on-write, no exclusivity checks).
struct GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)  // grow() doubles it, so it must not be 0
        base = .allocate(capacity: self.capacity)
    }

    subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: value)
        count += 1
    }

    @inline(__always)
    mutating func append(_ values: UnsafePointer<Element>, count n: Int) {
        if count + n > capacity { grow(to: count + n) }
        (base + count).initialize(from: values, count: n)
        count += n
    }

    mutating func removeFirst(_ n: Int) {
        guard n > 0 else { return }
        (base).update(from: base + n, count: count - n)
        count -= n
    }

    func deallocate() { base.deallocate() }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
