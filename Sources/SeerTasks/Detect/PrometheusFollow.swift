// `seer detect --prometheus … --follow`: a range query asked again every step for the samples
// since the last answer, handed out as stream points in time order (series by series within a
// time), so a live Prometheus series is scored exactly as the same points piped into `seer
// detect --stream`. Evaluation times are multiples of the step, so consecutive polls neither
// overlap nor leave a gap; a server that is down or has no series yet is reported and asked
// again next time, never fatal.
import Foundation
import SeerBase
import SeerData

/// Polls one Prometheus range query forwards in time.
public struct PrometheusFollow: Sendable {
    public private(set) var query: PrometheusQuery
    /// The next evaluation time to ask for.
    public private(set) var next: Int64

    /// Follows `query` from its start (aligned up to a multiple of its step).
    public init(_ query: PrometheusQuery) {
        self.query = query
        let step = max(1, query.step)
        next = (query.start + step - 1) / step * step
    }

    /// The points evaluated since the last poll up to `now`, oldest first; empty when no step has
    /// passed. Throws the source's error (the caller decides whether to go on).
    public mutating func poll(now: Int64) throws -> [StreamPoint] {
        let step = max(1, query.step)
        let last = now / step * step
        guard last >= next else { return [] }
        query.start = next
        query.end = last
        let series: [TimeSeries]
        do {
            series = try PrometheusSource.load(query)
        } catch let error as DataError where error.kind == .missingInput {
            // Nothing there yet: the same range counts as read, so a series that appears later is
            // followed from then on.
            next = last + step
            throw error
        }
        next = last + step
        var points: [StreamPoint] = []
        for s in series {
            guard case .timestamps(let times) = s.time, let values = s.columns.first?.values else { continue }
            for (t, v) in zip(times, values) where v.isFinite {
                points.append(StreamPoint(id: s.id, timestampText: String(t), timestamp: t, valueText: String(v), value: Double(v)))
            }
        }
        // Stable: series keep their id order within one time.
        return points.enumerated().sorted { ($0.element.timestamp!, $0.offset) < ($1.element.timestamp!, $1.offset) }.map(\.element)
    }

    /// Seconds until the next evaluation time is due.
    public func secondsUntilNext(now: Int64) -> Int64 { max(0, next - now) }
}
