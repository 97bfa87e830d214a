import Synchronization

/// How many messages and events the subscriptions of a dispatcher have delivered (answered with a 2xx), for
/// `stockd ingest-benchmark`'s report: requests per event and how far deliveries kept up with the writer.
package final class DeliveryTally: Sendable {
    private let messageCount = Atomic<Int>(0)
    private let eventCount = Atomic<Int>(0)

    /// Creates a tally at zero.
    package init() {}

    /// Counts one delivered message of `events` events.
    package func delivered(events: Int) {
        messageCount.add(1, ordering: .relaxed)
        eventCount.add(events, ordering: .relaxed)
    }

    /// Messages delivered.
    package var messages: Int { messageCount.load(ordering: .relaxed) }

    /// Events delivered (each event of a batch counts).
    package var events: Int { eventCount.load(ordering: .relaxed) }
}
