// Placeholder until the SQLite reader lands (replaced in the same change series).
import Seer

struct SQLiteLoad {
    var source: String
    var series: SeriesCollection
    var notes: [String]
}

enum SQLiteInput {
    static func read(_ input: InputOptions, database: String) throws -> SQLiteLoad {
        throw DataError(.usage, "SQLite input is not wired yet")
    }
}
