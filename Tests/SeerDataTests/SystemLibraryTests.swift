// Smoke tests: the system libraries behind the shims link and answer (libcsv, sqlite3).
import CCSV
import CSQLite
import Testing

struct SystemLibraryTests {
    @Test func libcsvParsesThroughTheCallbackAPI() {
        final class Counter { var fields = 0; var rows = 0 }
        let counter = Counter()
        var parser = csv_parser()
        #expect(csv_init(&parser, UInt8(CSV_STRICT)) == 0)
        let text = Array("a,b\n\"c,d\",e\n".utf8)
        let context = Unmanaged.passUnretained(counter).toOpaque()
        let parsed = csv_parse(&parser, text, text.count, { _, _, ctx in
            Unmanaged<Counter>.fromOpaque(ctx!).takeUnretainedValue().fields += 1
        }, { _, ctx in
            Unmanaged<Counter>.fromOpaque(ctx!).takeUnretainedValue().rows += 1
        }, context)
        csv_fini(&parser, nil, nil, nil)
        csv_free(&parser)
        #expect(parsed == text.count)
        #expect(counter.fields == 4 && counter.rows == 2)
    }

    @Test func sqliteOpensAnInMemoryDatabase() {
        var db: OpaquePointer?
        #expect(sqlite3_open(":memory:", &db) == SQLITE_OK)
        #expect(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (42);", nil, nil, nil) == SQLITE_OK)
        var statement: OpaquePointer?
        #expect(sqlite3_prepare_v2(db, "SELECT x FROM t", -1, &statement, nil) == SQLITE_OK)
        #expect(sqlite3_step(statement) == SQLITE_ROW)
        #expect(sqlite3_column_int(statement, 0) == 42)
        sqlite3_finalize(statement)
        sqlite3_close(db)
        #expect(sqlite3_libversion_number() >= 3_030_000)
    }
}
