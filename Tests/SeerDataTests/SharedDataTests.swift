// Every CSV in ../shared/data loads with the row and column counts its README gives, and the
// documented quirks (CRLF, no final newline, empty header cell, empty co2 values, NAB's repeated
// DST hour and machine_temperature's step back) are detected and handled as documented.
import SeerBase
import Testing
@testable import SeerData

@Suite(.enabled(if: TestData.sharedAvailable, TestData.sharedMissingMessage))
struct SharedDataTests {
    @Test func ettTrainStatisticsMatchTheREADME() throws {
        let loaded = try CSVLoader.load(TestData.shared("ett/ETTh1.csv"))
        let series = loaded.series[0]
        #expect(series.rowCount == 17_420)
        #expect(series.columnNames == ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"])
        #expect(loaded.timeColumn == "date")
        let split = try ChronologicalSplit.ett(rowCount: series.rowCount)
        #expect(split.train == 0..<8640 && split.validation == 8640..<11520 && split.test == 11520..<14400)
        let scaler = try StandardScaler.fit(series, rows: split.train)
        let expected: [(Double, Double)] = [(7.937742, 5.812749), (2.021039, 2.090105), (5.079771, 5.518794),
                                            (0.746186, 1.926379), (2.781762, 1.023523), (0.788453, 0.630237),
                                            (17.128262, 9.176491)]
        for (c, (mean, std)) in expected.enumerated() {
            #expect(abs(scaler.means[c] - mean) < 1e-4, "mean of \(series.columns[c].name)")
            #expect(abs(scaler.stds[c] - std) < 1e-4, "std of \(series.columns[c].name)")
        }
        let timestamps = try #require(series.time.timestamps)
        #expect(CivilTime.format(timestamps[split.validation.lowerBound], dateOnly: false) == "2017-06-26 00:00:00")
        #expect(CivilTime.format(timestamps[split.test.upperBound - 1]) == "2018-02-20 23:00:00")
        let report = try #require(series.timeReport())
        #expect(report.frequency == Frequency(.hour))
        #expect(report.irregularSteps == 0)
        #expect(CivilTime.format(report.end!) == "2018-06-26 19:00:00")
    }

    /// (file, rows, off-step gaps) from the NAB table of ../shared/data/README.md.
    static let nabTable: [(String, Int, Int)] = [
        ("artificialNoAnomaly/art_daily_no_noise.csv", 4032, 0), ("artificialNoAnomaly/art_daily_perfect_square_wave.csv", 4032, 0),
        ("artificialNoAnomaly/art_daily_small_noise.csv", 4032, 0), ("artificialNoAnomaly/art_flatline.csv", 4032, 0),
        ("artificialNoAnomaly/art_noisy.csv", 4032, 0), ("artificialWithAnomaly/art_daily_flatmiddle.csv", 4032, 0),
        ("artificialWithAnomaly/art_daily_jumpsdown.csv", 4032, 0), ("artificialWithAnomaly/art_daily_jumpsup.csv", 4032, 0),
        ("artificialWithAnomaly/art_daily_nojump.csv", 4032, 0), ("artificialWithAnomaly/art_increase_spike_density.csv", 4032, 0),
        ("artificialWithAnomaly/art_load_balancer_spikes.csv", 4032, 0), ("realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv", 4032, 0),
        ("realAWSCloudwatch/ec2_cpu_utilization_53ea38.csv", 4032, 0), ("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", 4032, 0),
        ("realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv", 4032, 0), ("realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv", 4032, 2),
        ("realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv", 4032, 2), ("realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv", 4032, 0),
        ("realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv", 4032, 0), ("realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv", 4730, 13),
        ("realAWSCloudwatch/ec2_disk_write_bytes_c0d644.csv", 4032, 0), ("realAWSCloudwatch/ec2_network_in_257a54.csv", 4032, 2),
        ("realAWSCloudwatch/ec2_network_in_5abac7.csv", 4730, 13), ("realAWSCloudwatch/elb_request_count_8c0756.csv", 4032, 8),
        ("realAWSCloudwatch/grok_asg_anomaly.csv", 4621, 0), ("realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv", 1243, 0),
        ("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv", 4032, 1), ("realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv", 4032, 0),
        ("realKnownCause/ambient_temperature_system_failure.csv", 7267, 10), ("realKnownCause/cpu_utilization_asg_misconfiguration.csv", 18050, 0),
        ("realKnownCause/ec2_request_latency_system_failure.csv", 4032, 14), ("realKnownCause/machine_temperature_system_failure.csv", 22695, 1),
        ("realKnownCause/nyc_taxi.csv", 10320, 0), ("realKnownCause/rogue_agent_key_hold.csv", 1882, 91),
        ("realKnownCause/rogue_agent_key_updown.csv", 5315, 10),
    ]

    @Test func everyNABFileLoadsWithItsRowsAndOffStepCount() throws {
        for (file, rows, offStep) in Self.nabTable {
            let loaded = try CSVLoader.load(TestData.shared("nab/" + file))
            #expect(loaded.layout == .nab, "\(file)")
            let series = loaded.series[0]
            #expect(series.rowCount == rows, "\(file)")
            #expect(series.columnNames == ["value"], "\(file)")
            #expect(series.columns[0].values.allSatisfy { !$0.isNaN }, "\(file): every NAB value parses")
            let report = try #require(series.timeReport())
            #expect(report.irregularSteps == offStep, "\(file)")
            let expectedStep = file.contains("ambient") ? "H" : file.contains("nyc_taxi") ? "30min" : "5min"
            #expect(report.frequency?.description == expectedStep, "\(file)")
        }
    }

    @Test func nabQuirksAreDetected() throws {
        // The DST artefact: 2014-03-09 03:00:00 appears 12 times (11 zero steps), kept in file order.
        for file in ["realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv", "realAWSCloudwatch/ec2_network_in_5abac7.csv",
                     "realKnownCause/ec2_request_latency_system_failure.csv"] {
            let series = try CSVLoader.load(TestData.shared("nab/" + file)).series[0]
            let report = try #require(series.timeReport())
            #expect(report.duplicates == 11, "\(file)")
            let duplicate = try #require(report.examples.first { $0.kind == .duplicate })
            #expect(CivilTime.format(duplicate.current) == "2014-03-09 03:00:00")
        }
        // machine_temperature steps back one hour at line 10151; `keep` keeps it, `error` names it, `sort` fixes it.
        let path = TestData.shared("nab/realKnownCause/machine_temperature_system_failure.csv")
        let kept = try CSVLoader.load(path)
        let report = try #require(kept.series[0].timeReport())
        #expect(report.backward == 1)
        let back = try #require(report.examples.first { $0.kind == .backward })
        #expect(back.line == 10151)
        #expect(CivilTime.format(back.previous) == "2014-01-07 02:55:00" && CivilTime.format(back.current) == "2014-01-07 02:00:00")
        #expect(kept.notes.contains { $0.contains("kept in file order") })
        let error = #expect(throws: DataError.self) { try CSVLoader.load(path, options: CSVOptions(order: .error)) }
        #expect(error?.location?.line == 10151)
        #expect(error?.kind == .badInput)
        let sorted = try CSVLoader.load(path, options: CSVOptions(order: .sort)).series[0]
        let t = try #require(sorted.time.timestamps)
        #expect(zip(t, t.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(sorted.rowCount == 22_695)
        // CRLF endings and a missing final newline change nothing.
        let crlf = try CSVLoader.load(TestData.shared("nab/realKnownCause/rogue_agent_key_hold.csv")).series[0]
        #expect(crlf.rowCount == 1882 && !crlf.columns[0].values.contains { $0.isNaN })
        let taxi = try CSVLoader.load(TestData.shared("nab/realKnownCause/nyc_taxi.csv")).series[0]
        #expect(taxi.columns[0].values.last == 26288)
        #expect(taxi.timestamp(ofRow: taxi.rowCount - 1) == TimestampParser.parse("2015-01-31 23:30:00"))
    }

    @Test func stockFilesLoad() throws {
        let goog = try CSVLoader.load(TestData.shared("stock/GOOG.csv"))
        #expect(goog.timeColumn == "column_1", "the empty first header cell is the date column")
        let g = goog.series[0]
        #expect(g.rowCount == 2148)
        #expect(g.columnNames == ["Open", "High", "Low", "Close", "Volume"])
        #expect(g.columns[0].values[0] == 100 && g.columns[3].values[0] == 100.34)
        #expect(g.profile().start == "2004-08-19" && g.profile().end == "2013-03-01")
        #expect(g.timeReport()?.frequency == Frequency(.businessDay))
        let orcl = try CSVLoader.load(TestData.shared("stock/orcl-1995-2014.csv")).series[0]
        #expect(orcl.rowCount == 5036)
        #expect(orcl.columnNames == ["Open", "High", "Low", "Close", "Adj Close", "Volume"])
        #expect(orcl.timeReport()?.duplicates == 0 && orcl.timeReport()?.backward == 0)
    }

    @Test(arguments: [
        ("airline_passengers.csv", 144, "MS", 0), ("sunspots_yearly.csv", 309, "YS", 0), ("nile.csv", 100, "YS", 0),
        ("co2_mauna_loa_weekly.csv", 2284, "W", 59), ("lynx.csv", 114, "YS", 0), ("shampoo_sales.csv", 36, "MS", 0),
    ])
    func classicSeriesLoad(file: String, rows: Int, frequency: String, missing: Int) throws {
        let series = try CSVLoader.load(TestData.shared("classic/" + file)).series[0]
        #expect(series.rowCount == rows)
        let profile = series.profile()
        #expect(profile.frequency == frequency)
        #expect(profile.columns[0].missing == missing)
        #expect(profile.irregularSteps == 0)
    }

    @Test func co2MissingValuesFollowThePolicy() throws {
        let path = TestData.shared("classic/co2_mauna_loa_weekly.csv")
        let error = #expect(throws: DataError.self) { try CSVLoader.load(path, options: CSVOptions(missing: .error)) }
        #expect(error?.location?.line != nil && error?.location?.columnName == "value")
        for policy in [MissingPolicy.ffill, .interpolate] {
            let filled = try CSVLoader.load(path, options: CSVOptions(missing: policy)).series[0]
            #expect(filled.rowCount == 2284 && !filled.columns[0].values.contains { $0.isNaN })
        }
        let dropped = try CSVLoader.load(path, options: CSVOptions(missing: .drop)).series[0]
        #expect(dropped.rowCount == 2284 - 59)
        #expect(dropped.timeReport()?.gaps ?? 0 > 0, "dropping rows leaves gaps in the weekly axis")
    }
}
