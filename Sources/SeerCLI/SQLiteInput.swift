// Reads the series named by `--sqlite DB --table T` or `--query SQL --param V…` with the same
// column-role and policy options as CSV input.
import Seer

enum SQLiteInput {
    /// Loads the SQLite input described by `input`.
    static func read(_ input: InputOptions, database: String) throws -> SQLiteReadResult {
        let source: SQLiteSource
        if let table = input.table {
            source = .table(name: table)
        } else {
            source = .query(sql: input.query ?? "", parameters: input.parameters.map { SQLiteValue.text($0) })
        }
        let options = SQLiteReadOptions(timeColumn: input.time, targetColumns: input.targetColumns, idColumn: input.id,
                                        epochUnit: input.epochUnit, order: input.order, missing: input.missing)
        return try SQLiteSeriesReader.read(database, from: source, options: options)
    }
}
