import Foundation

/// The audit log of changes made through the admin API (rules, subscriptions): who (the token's name), when,
/// what, the value before and after. Entries live in the store's `event_state` database under
/// `audit/<kind>/<time in ms, 13 digits>-<counter, 6 digits>`, so they sort by time within a kind.
public enum ChangeAudit {
    /// What a change was made to.
    public enum Kind: String, Sendable, CaseIterable {
        /// A rule.
        case rule
        /// A subscription (create, update, delete, pause, resume, redeliver, replay).
        case subscription
    }

    /// The most entries kept per kind; older ones are dropped as new ones are written.
    public static let limit = 10_000

    /// The key prefix of a kind's entries.
    public static func prefix(_ kind: Kind) -> String { "audit/\(kind.rawValue)/" }

    /// The key of an entry.
    ///
    /// - Parameters:
    ///   - kind: What was changed.
    ///   - milliseconds: When, in milliseconds since 1970.
    ///   - counter: A number that makes keys of the same millisecond distinct (and keeps their order).
    public static func key(_ kind: Kind, milliseconds: Int64, counter: Int) -> String {
        let time = String(max(0, milliseconds))
        let count = String(counter % 1_000_000)
        return prefix(kind) + String(repeating: "0", count: max(0, 13 - time.count)) + time + "-"
            + String(repeating: "0", count: max(0, 6 - count.count)) + count
    }

    /// An entry's JSON: `{"time", "actor", "kind", "action", "target", "before", "after"}` with `before` and
    /// `after` the JSON objects given (or `null`), keys sorted.
    ///
    /// - Parameters:
    ///   - kind: What was changed.
    ///   - action: What was done (`create`, `update`, `override`, `delete`, `pause`, ...).
    ///   - target: The rule's or subscription's id.
    ///   - actor: The name of the token that made the change.
    ///   - milliseconds: When, in milliseconds since 1970.
    ///   - before: The value before, as a `JSONSerialization` object.
    ///   - after: The value after.
    public static func entry(
        kind: Kind, action: String, target: String, actor: String, milliseconds: Int64, before: Any?, after: Any?
    ) -> [UInt8] {
        let object: [String: Any] = [
            "time": Double(milliseconds) / 1000, "actor": actor, "kind": kind.rawValue, "action": action, "target": target,
            "before": before ?? NSNull(), "after": after ?? NSNull(),
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
