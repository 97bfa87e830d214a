import CoreMetrics
import Synchronization

/// A metrics factory that records counters and timers by label and dimensions.
final class RecordingMetricsFactory: MetricsFactory {
    final class Handler: CounterHandler, TimerHandler, RecorderHandler {
        let label: String
        let key: String
        private let values = Mutex<[Int64]>([])

        init(label: String, dimensions: [(String, String)]) {
            self.label = label
            let byName = Dictionary(dimensions, uniquingKeysWith: { $1 })
            if dimensions.isEmpty {
                key = ""
            } else if let reason = byName["reason"] ?? byName["outcome"] {
                key = reason
            } else {
                key = "\(byName["method"] ?? "?") \(byName["route"] ?? "?") \(byName["status"] ?? "?")"
            }
        }

        var recorded: [Int64] { values.withLock { $0 } }
        func increment(by amount: Int64) { values.withLock { $0.append(amount) } }
        func reset() { values.withLock { $0 = [] } }
        func recordNanoseconds(_ duration: Int64) { values.withLock { $0.append(duration) } }
        func record(_ value: Int64) { values.withLock { $0.append(value) } }
        func record(_ value: Double) { values.withLock { $0.append(Int64(value)) } }
    }

    private let handlers = Mutex<[Handler]>([])

    private func make(_ label: String, _ dimensions: [(String, String)]) -> Handler {
        let handler = Handler(label: label, dimensions: dimensions)
        handlers.withLock { $0.append(handler) }
        return handler
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { make(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { make(label, dimensions) }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { make(label, dimensions) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    /// The last value recorded by a gauge or recorder with this label (any dimensions), or `nil` before any.
    func lastValue(label: String) -> Int64? {
        handlers.withLock { $0 }.filter { $0.label == label }.compactMap(\.recorded.last).last
    }

    /// Counter totals by "METHOD route status" (by `reason` or `outcome` for metrics with that dimension, `""` without dimensions).
    func counts(label: String) -> [String: Int64] {
        handlers.withLock { $0 }.filter { $0.label == label }.reduce(into: [:]) { $0[$1.key, default: 0] += $1.recorded.reduce(0, +) }
    }

    /// Timer samples by "METHOD route status".
    func timings(label: String) -> [String: [Int64]] {
        handlers.withLock { $0 }.filter { $0.label == label }.reduce(into: [:]) { $0[$1.key, default: []] += $1.recorded }
    }
}
