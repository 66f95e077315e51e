// Bad CSV input gives a DataError naming file, line and column, with the right kind (exit 65,
// or 66 for a missing file), and never a crash or a hang.
import SeerBase
import Foundation
import Testing
@testable import SeerData

struct CSVBadInputTests {
    func failure(_ text: String, options: CSVOptions = CSVOptions()) throws -> DataError {
        let path = try TestData.temporaryFile(text)
        do {
            _ = try CSVLoader.load(path, options: options)
        } catch let error as DataError {
            #expect(error.location?.file == path)
            #expect(error.exitCode == 65)
            return error
        }
        Issue.record("expected a DataError for \(text.prefix(60).debugDescription)")
        return DataError(.usage, "none")
    }

    @Test func raggedRow() throws {
        let error = try failure("d,a,b\n2024-01-01,1,2\n2024-01-02,3\n")
        #expect(error.location?.line == 3 && error.location?.column == 3)
        #expect(error.message.contains("expected 3 fields"))
    }

    @Test func nonNumericCell() throws {
        let error = try failure("d,a,b\n2024-01-01,1,2\n2024-01-02,3,abc\n")
        #expect(error.location?.line == 3 && error.location?.column == 3 && error.location?.columnName == "b")
        #expect(error.message.contains("expected a number") && error.message.contains("abc"))
        #expect(error.description.hasSuffix("column 'b': expected a number, found \"abc\""))
    }

    @Test func unterminatedQuote() throws {
        let error = try failure("d,a\n2024-01-01,1\n2024-01-02,\"3\n")
        #expect(error.message.contains("quot"))
        #expect(error.location?.line != nil)
    }

    @Test func emptyFileAndHeaderOnly() throws {
        #expect(try failure("").message.contains("empty"))
        let headerOnly = try failure("date,value\n")
        #expect(headerOnly.message.contains("no data rows") && headerOnly.location?.line == 2)
    }

    @Test func invalidUTF8() throws {
        let header = try TestData.temporaryFile([0x64, 0xFF, 0x2C, 0x76, 0x0A, 0x31, 0x2C, 0x32, 0x0A])
        let error = #expect(throws: DataError.self) { try CSVLoader.load(header) }
        #expect(error?.message.contains("UTF-8") == true && error?.location?.line == 1 && error?.location?.column == 1)
        let cell = try TestData.temporaryFile(Array("d,v\n2024-01-01,1\n2024-01-02,".utf8) + [0xC3, 0x28] + [0x0A])
        let cellError = #expect(throws: DataError.self) { try CSVLoader.load(cell) }
        #expect(cellError?.message.contains("invalid UTF-8") == true && cellError?.location?.line == 3 && cellError?.location?.column == 2)
    }

    @Test func tenMegabyteSingleLine() throws {
        let line = [UInt8](repeating: 0x37, count: 10_000_000)
        let path = try TestData.temporaryFile(line)
        let error = #expect(throws: DataError.self) { try CSVLoader.load(path) }
        #expect(error?.message.contains("longer than") == true && error?.location?.line == 1)
        // Many tiny fields on one line hit the field-count limit instead.
        let wide = try TestData.temporaryFile(Array(String(repeating: "1,", count: 200_000).utf8))
        let wideError = #expect(throws: DataError.self) { try CSVLoader.load(wide) }
        #expect(wideError?.message.contains("more than") == true)
    }

    @Test func unknownColumnName() throws {
        let error = try failure("date,value\n2024-01-01,1\n", options: CSVOptions(targetColumns: ["price"]))
        #expect(error.message.contains("'price'") && error.message.contains("date, value") && error.location?.line == 1)
        let time = try failure("date,value\n2024-01-01,1\n", options: CSVOptions(timeColumn: "when"))
        #expect(time.message.contains("no time column named 'when'"))
    }

    @Test func badTimestamps() throws {
        for (cell, reason) in [("2024-13-01", "month"), ("2024-02-30", "does not exist"), ("2024-01-01 25:00:00", "hour"),
                               ("yesterday", "expected a date"), ("2024-01-01 10:00:00 extra", "unexpected text")] {
            let error = try failure("date,value\n2024-01-01,1\n\(cell),2\n")
            #expect(error.location?.line == 3 && error.location?.column == 1, "\(cell)")
            #expect(error.message.contains(reason), "\(cell): \(error.message)")
        }
        let mixed = try failure("date,value\n2024-01-01,1\n1700000000,2\n")
        #expect(mixed.message.contains("date-time like the rows above"))
    }

    @Test func duplicateHeaderNames() throws {
        let error = try failure("d,v,v\n2024-01-01,1,2\n")
        #expect(error.message.contains("duplicate column name 'v'") && error.location?.column == 3)
    }

    @Test func infinityIsRefused() throws {
        let error = try failure("d,v\n2024-01-01,inf\n")
        #expect(error.message.contains("finite"))
        let huge = try failure("d,v\n2024-01-01,1e39\n")
        #expect(huge.message.contains("Float32"))
    }

    @Test func missingFileAndDirectory() throws {
        let error = #expect(throws: DataError.self) { try CSVLoader.load("/nonexistent/seer/file.csv") }
        #expect(error?.kind == .missingInput && error?.exitCode == 66)
        let directory = #expect(throws: DataError.self) { try CSVLoader.load(FileManager.default.temporaryDirectory.path) }
        #expect(directory?.exitCode == 66)
    }
}
