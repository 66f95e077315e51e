// Maps a series' row numbers back to the source lines they came from, so that checks run after
// loading (duplicates, gaps, missing values) can still say "line 1234". Stored as breakpoints of
// a piecewise-linear map: one entry for a plain file, a few more where records span lines or
// long-format series interleave.

/// Row → source line, compressed.
public struct LineMap: Sendable, Equatable {
    // (first row of a run, line of that row); inside a run, line = startLine + (row - startRow).
    private var startRows: [Int] = []
    private var startLines: [Int] = []

    public init() {}

    /// A map where row r sits on line `firstLine + r`.
    public init(firstLine: Int) {
        startRows = [0]
        startLines = [firstLine]
    }

    /// Records that `row` (appended in increasing order) came from `line`.
    public mutating func append(row: Int, line: Int) {
        if let lastRow = startRows.last, let lastLine = startLines.last,
           lastLine + (row - lastRow) == line {
            return
        }
        startRows.append(row)
        startLines.append(line)
    }

    /// Appends `other` (rows renumbered from `rowOffset`, lines shifted by `lineOffset`).
    public mutating func append(_ other: LineMap, rowOffset: Int, lineOffset: Int) {
        for (row, line) in zip(other.startRows, other.startLines) {
            append(row: row + rowOffset, line: line + lineOffset)
        }
    }

    /// The source line of `row`, or nil when the map is empty (e.g. a series built in memory).
    public func line(ofRow row: Int) -> Int? {
        guard !startRows.isEmpty, row >= 0 else { return nil }
        var lo = 0, hi = startRows.count - 1
        while lo < hi {  // last run whose start row <= row
            let mid = (lo + hi + 1) / 2
            if startRows[mid] <= row { lo = mid } else { hi = mid - 1 }
        }
        return startLines[lo] + (row - startRows[lo])
    }

    /// The map restricted to rows in `rows`, renumbered from 0.
    public func slice(_ rows: Range<Int>) -> LineMap {
        guard !startRows.isEmpty, !rows.isEmpty, let first = line(ofRow: rows.lowerBound) else { return LineMap() }
        var out = LineMap()
        out.append(row: 0, line: first)
        for (i, start) in startRows.enumerated() where start > rows.lowerBound && start < rows.upperBound {
            out.append(row: start - rows.lowerBound, line: startLines[i])
        }
        return out
    }

    /// The map after rows were reordered or filtered: new row i came from old row `order[i]`.
    public func reordered(_ order: [Int]) -> LineMap {
        guard !startRows.isEmpty else { return LineMap() }
        var out = LineMap()
        for (newRow, oldRow) in order.enumerated() {
            if let line = line(ofRow: oldRow) { out.append(row: newRow, line: line) }
        }
        return out
    }
}
