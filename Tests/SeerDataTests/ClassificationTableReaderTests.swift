// Labelled cases from CSV files and SQLite tables: the wide layout (one row per case, trailing
// empty cells for shorter cases), the long layout (one value per row, ordered by a step column,
// with a dimension column for several channels), classes sorted as a label encoder sorts them,
// case ids kept, the same cases from SQLite as from CSV, and every way a table could make a
// classifier silently wrong refused with its line and column.
import Foundation
import SeerBase
@testable import SeerData
import Testing

struct ClassificationTableReaderTests {
    static func file(_ text: String, _ ext: String = "csv") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-cases-\(UUID().uuidString).\(ext)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func load(_ text: String, _ columns: ClassificationColumns = ClassificationColumns()) throws -> ClassificationDataset {
        let path = try file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try CaseSource.file(path, columns: columns).load()
    }

    @Test func aWideTableIsOneRowPerCase() throws {
        let data = try Self.load("id,label,v1,v2,v3\nx,b,1,2,3\ny,a,4,5,\nz,b,7,8,9\n")
        #expect(data.classNames == ["a", "b"] && data.labels == [1, 0, 1] && data.caseIds == ["x", "y", "z"] && data.dimensions == 1)
        #expect(data.channels(case: 0) == [[1, 2, 3]] && data.channels(case: 1) == [[4, 5]], "a trailing empty cell ends a shorter case")
        // Without an id the position names the case; without a label the cases are unlabelled.
        let plain = try Self.load("v1,v2\n1,2\n3,4\n")
        #expect(!plain.isLabelled && plain.caseCount == 2 && plain.caseIds.isEmpty && plain.caseId(1) == "2")
        // A data frame's index column is not a step.
        let indexed = try Self.load("Unnamed: 0,id,label,v1,v2\n0,a,x,1,2\n1,b,y,3,4\n")
        #expect(indexed.channels(case: 1) == [[3, 4]])
        #expect(throws: DataError.self) { try Self.load("id,label,v1\na,x,1\n", ClassificationColumns(step: "v1")) }
    }

    @Test func aLongTableIsOrderedByItsStepAndGroupedByDimension() throws {
        let text = "case,dimension,step,value,class\n"
            + "c2,acc,1,20,2\nc1,gyro,2,-2,10\nc1,acc,2,2,10\nc1,acc,1,1,10\nc1,gyro,1,-1,10\nc2,acc,0,10,2\nc2,gyro,0,5,2\nc2,gyro,10,6,2\n"
        let data = try Self.load(text)
        #expect(data.classNames == ["2", "10"], "numeric class names sort as numbers")
        #expect(data.caseIds == ["c2", "c1"] && data.labels == [0, 1] && data.dimensions == 2)
        #expect(data.channels(case: 0) == [[10, 20], [5, 6]] && data.channels(case: 1) == [[1, 2], [-1, -2]])
        // Dimensions sort by name, so a table listing them in another order gives the same channels.
        let swapped = try Self.load("case,dimension,step,value,class\nc1,gyro,1,-1,10\nc1,acc,1,1,10\n")
        #expect(swapped.channels(case: 0) == [[1], [-1]])
        // Fixed-width text steps (ISO timestamps) order as text.
        let dated = try Self.load("case,ds,value,label\na,2024-01-03,3,x\na,2024-01-01,1,x\na,2024-01-02,2,x\n")
        #expect(dated.channels(case: 0) == [[1, 2, 3]])
        // Without a step column the rows' order holds; named columns override the usual names.
        let renamed = try Self.load("who,what,reading\nq,up,3\nq,up,1\nr,down,2\n", ClassificationColumns(id: "who", label: "what", value: "reading"))
        #expect(renamed.channels(case: 0) == [[3, 1]] && renamed.classNames == ["down", "up"] && renamed.labels == [1, 0])
    }

    @Test func aSQLiteTableOrQueryGivesTheSameCasesAsTheCSV() throws {
        let csv = "case_id,step,value,label\na,0,1.5,yes\na,1,2.5,yes\nb,0,-1,no\nb,1,-2,no\n"
        let fromCSV = try Self.load(csv)
        let database = try SQLiteTests.temporaryDatabase()
        try SQLiteTests.exec(database, """
            CREATE TABLE cases (case_id TEXT, step INTEGER, value REAL, label TEXT);
            INSERT INTO cases VALUES ('a',1,2.5,'yes'),('b',0,-1,'no'),('a',0,1.5,'yes'),('b',1,-2,'no');
            """)
        var fromTable = try CaseSource.sqlite(database: database, source: .table(name: "cases"), columns: ClassificationColumns()).load()
        var fromQuery = try CaseSource.sqlite(database: database, source: .query(sql: "SELECT * FROM cases WHERE step < 5", parameters: []),
                                              columns: ClassificationColumns()).load()
        #expect(fromTable.caseIds == fromCSV.caseIds && fromQuery.caseIds == fromCSV.caseIds)
        fromTable.caseIds = fromCSV.caseIds
        fromQuery.caseIds = fromCSV.caseIds
        #expect(fromTable.values == fromCSV.values && fromTable.labels == fromCSV.labels && fromTable.classNames == fromCSV.classNames)
        #expect(fromQuery.values == fromCSV.values && fromQuery.labels == fromCSV.labels)
        #expect(throws: DataError.self) {
            try CaseSource.sqlite(database: database, source: .query(sql: "DELETE FROM cases", parameters: []), columns: ClassificationColumns()).load()
        }
        #expect(throws: DataError.self) { try CaseSource.sqlite(database: database, source: .table(name: "nope"), columns: ClassificationColumns()).load() }
    }

    /// Each bad table, the message it must give, and the line and column it must name.
    @Test(arguments: [
        ("id,label,v1,v2\na,x,1,oops\n", "expected a number, found 'oops'", 2, 4),
        ("id,label,v1,v2,v3\na,x,1,,3\n", "a missing value", 2, 4),
        ("id,label,v1\na,x,1\na,x,2\n", "is given twice", 3, 1),
        ("case,value,label\na,1,x\na,2,y\n", "has label 'y' here but 'x' on line 2", 3, 3),
        ("case,dimension,value,label\na,p,1,x\nb,p,1,y\nb,q,1,y\n", "has no values for dimension 'q'", 2, nil),
        ("case,value,label\na,1,\n", "the class label is empty", 2, 3),
        ("case,value,label\n,1,x\n", "the case id is empty", 2, 1),
        ("case,value,label\na,1e39,x\n", "outside the Float32 range", 2, 2),
        ("id,label,v1\na,x,1,2\n", "4 fields where the header has 3", 2, nil),
        ("case,step,value,label\na,1,1,x\na,1,2,x\n", "has step 1 twice", 3, nil),
        ("case,step,value,label\na,1,1,x\na,,2,x\n", "the step is empty", 3, 2),
        ("case,step,value,label\na,t1,1,x\na,t10,2,x\n", "steps must be numbers", 2, nil),
        ("case,dimension,value,label\na,p,1,x\na,q,1,x\na,q,2,x\n", "has 2 values for dimension 'q' but 1 for 'p'", 2, nil),
    ] as [(String, String, Int, Int?)])
    func aBadTableIsRefusedWhereItIsBad(text: String, message: String, line: Int, column: Int?) throws {
        do {
            _ = try Self.load(text)
            Issue.record("accepted: \(text)")
        } catch let error as DataError {
            #expect(error.message.contains(message) && error.location?.line == line && error.location?.column == column, "\(error)")
        }
    }

    @Test func missingOrAmbiguousColumnsAreRefused() throws {
        #expect(throws: DataError.self) { try Self.load("value,label\n1,x\n") }  // long without a case id
        #expect(throws: DataError.self) { try Self.load("id,label\na,x\n") }     // no values at all
        #expect(throws: DataError.self) { try Self.load("id,label,v\na,x,1\n", ClassificationColumns(label: "klass")) }
        #expect(throws: DataError.self) { try Self.load("id,label,v\na,x,1\n", ClassificationColumns(id: "label")) }
        #expect(throws: DataError.self) { try Self.load("") }
    }
}
