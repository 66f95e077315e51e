// The detector state of every series `/v1/detect` has seen, in 64 shards each behind its own
// lock: a point is scored inside its series' shard lock with no `await`, so both cores score at
// once and no request waits on another series. One actor would put every series on one executor
// and add a hop per request; one lock would make the cores take turns. A series' Prometheus
// gauges live on its entry, so an update never looks the metric up again.
import Prometheus
import SeerData
import SeerTasks
import SeerBase
import Synchronization

/// Every series' detector, sharded.
final class SeriesTable: Sendable {
    /// One series: its state, the timestamp it was resumed at (replays up to it are `already_scored`)
    /// and its gauges.
    struct Entry {
        var state: DetectStreamState.SeriesState
        var resumedAt: Int64?
        let gauges: SeriesGauges
    }

    final class Shard: Sendable {
        let entries = Locked<[String: Entry]>([:])
    }

    static let shardCount = 64
    let rules: DetectRules
    let maxSeries: Int
    private let shards: [Shard]
    private let count = Atomic<Int>(0)
    private let metrics: ServeMetrics

    /// An empty table, or one resumed from a saved stream state (the same file `seer detect
    /// --stream --state` writes).
    init(rules: DetectRules, maxSeries: Int, metrics: ServeMetrics, resuming saved: DetectStreamState? = nil) {
        self.rules = rules
        self.maxSeries = maxSeries
        self.metrics = metrics
        shards = (0..<Self.shardCount).map { _ in Shard() }
        for (id, state) in saved?.series ?? [:] {
            let entry = Entry(state: state, resumedAt: state.lastTimestamp, gauges: metrics.seriesGauges(id))
            shards[Self.shard(of: id)].entries.withLock { $0[id] = entry }
        }
        count.store(saved?.series.count ?? 0, ordering: .relaxed)
        metrics.series.set(Int64(count.load(ordering: .relaxed)))
    }

    static func shard(of id: String) -> Int {
        // FNV-1a over the bytes: cheap, and unlike `hashValue` the same in every run.
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return Int(hash % UInt64(shardCount))
    }

    /// Series kept.
    var seriesCount: Int { count.load(ordering: .relaxed) }

    /// Scores `point` in its series (created on its first point while there is room) and sets its
    /// gauges. Returns the outcome and the points scored in the series so far.
    func score(_ point: StreamPoint) -> (outcome: StreamOutcome, rows: Int) {
        let id = point.id ?? ""
        return shards[Self.shard(of: id)].entries.withLock { entries -> (StreamOutcome, Int) in
            if entries[id] == nil {
                guard reserveSeries() else { return (.skipped(DetectStream.tooManySeries(id, maxSeries: maxSeries)), 0) }
                entries[id] = Entry(state: .init(), resumedAt: nil, gauges: metrics.seriesGauges(id))
            }
            let resumedAt = entries[id]!.resumedAt
            let outcome = DetectStream.score(point, series: &entries[id]!.state, resumedAt: resumedAt, rules: rules)
            let entry = entries[id]!
            if case .scored(let scored) = outcome {
                entry.gauges.score.set(scored.score)
                entry.gauges.anomaly.set(Int64(scored.label))
            }
            return (outcome, entry.state.rows)
        }
    }

    /// Takes one of the `maxSeries` places, if one is left.
    private func reserveSeries() -> Bool {
        while true {
            let now = count.load(ordering: .relaxed)
            guard now < maxSeries else { return false }
            if count.compareExchange(expected: now, desired: now + 1, ordering: .relaxed).exchanged {
                metrics.series.set(Int64(now + 1))
                return true
            }
        }
    }

    /// Every series' state as one stream state. Each shard's dictionary is taken under its lock
    /// (a reference copy; the next write to that shard pays for the copy) and merged outside it.
    func snapshot() -> DetectStreamState {
        var state = DetectStreamState(model: rules.model)
        for shard in shards {
            let entries = shard.entries.withLock { $0 }
            for (id, entry) in entries { state.series[id] = entry.state }
        }
        return state
    }
}
