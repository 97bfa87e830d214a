/// A change-feed entry with its position, as the store keeps it.
public struct StoredChange: Hashable, Sendable {
    /// The entry's position in the log.
    public var position: UInt64
    /// The variant whose figures changed.
    public var variantID: VariantID
    /// The location where they changed.
    public var locationID: LocationID

    /// Creates an entry.
    public init(position: UInt64, variantID: VariantID, locationID: LocationID) {
        self.position = position
        self.variantID = variantID
        self.locationID = locationID
    }
}

/// What a store needs to mirror the change log after a group of transactions: the new entries, the oldest
/// position still valid (older stored entries are deleted), the next position and the epoch.
public struct ChangeLogSlice: Hashable, Sendable {
    /// The epoch cursors carry.
    public var epoch: UInt16
    /// New entries, in position order.
    public var entries: [StoredChange]
    /// Cursors below this have expired: the store drops entries below it.
    public var validFrom: UInt64
    /// The position the next entry will get.
    public var nextPosition: UInt64

    /// Creates a slice.
    public init(epoch: UInt16, entries: [StoredChange], validFrom: UInt64, nextPosition: UInt64) {
        self.epoch = epoch
        self.entries = entries
        self.validFrom = validFrom
        self.nextPosition = nextPosition
    }

    /// An empty log at `position` (a fresh snapshot) in an epoch.
    public static func empty(epoch: UInt16, at position: UInt64 = 0) -> ChangeLogSlice {
        ChangeLogSlice(epoch: epoch, entries: [], validFrom: position, nextPosition: position)
    }

    /// This slice followed by a later one of the same log: the entries of both, the later bounds.
    public func merged(with later: ChangeLogSlice) -> ChangeLogSlice {
        var merged = later
        merged.entries =
            entries.filter { $0.position >= later.validFrom && $0.position < (later.entries.first?.position ?? later.nextPosition) }
            + later.entries
        return merged
    }
}

/// The text form of a change-feed cursor: the log's epoch in the top 16 bits, the position in the low 48.
///
/// Clients treat cursors as opaque digits. A cursor of another epoch (before a resync, or before a restart that
/// followed a crash) is always expired (`410`), never read as a position of the new log.
public enum ChangeCursor {
    /// Bits of the position.
    static let positionBits: UInt64 = 48
    /// The largest position a cursor can carry.
    public static let maxPosition: UInt64 = (1 << positionBits) - 1

    /// The cursor of a position in an epoch.
    public static func encode(epoch: UInt16, position: UInt64) -> UInt64 { UInt64(epoch) << positionBits | (position & maxPosition) }

    /// The epoch and position of a cursor.
    public static func decode(_ cursor: UInt64) -> (epoch: UInt16, position: UInt64) {
        (UInt16(truncatingIfNeeded: cursor >> positionBits), cursor & maxPosition)
    }

    /// The epoch that follows `epoch`: the same instance tag (high byte), the next counter (low byte, 1...255, so
    /// never 0, which marks logs that are never stored).
    public static func epoch(after epoch: UInt16) -> UInt16 { self.epoch(after: epoch, tag: tag(of: epoch)) }

    /// The epoch that follows `epoch` in the instance tagged `tag`: `tag` in the high byte, the counter after
    /// `epoch`'s in the low byte.
    public static func epoch(after epoch: UInt16, tag: UInt8) -> UInt16 {
        let counter = UInt8(truncatingIfNeeded: epoch)
        return UInt16(tag) << 8 | UInt16(counter == .max ? 1 : counter + 1)
    }

    /// A random epoch for a new store.
    public static func randomEpoch() -> UInt16 { UInt16.random(in: 1...UInt16.max) }

    /// A random epoch for a new store of the instance tagged `tag`: `tag` in the high byte, a random counter in the low.
    public static func randomEpoch(tag: UInt8) -> UInt16 { UInt16(tag) << 8 | UInt16(UInt8.random(in: 1...UInt8.max)) }

    /// The instance tag an epoch carries (its high byte).
    public static func tag(of epoch: UInt16) -> UInt8 { UInt8(truncatingIfNeeded: epoch >> 8) }

    /// The instance tag of a replication slot: its name's 32-bit FNV-1a hash folded to a byte.
    ///
    /// Change-feed cursors are per instance: each instance numbers its own change log. With the slot's tag in
    /// every epoch, a cursor handed out by another instance (another slot) carries another epoch and is answered
    /// `410`, never read as a position of this log. Two slot names share a tag with probability 1/256; their
    /// cursors then still differ by the random counter (1/255), as independent stores always did.
    public static func tag(forSlot slot: String) -> UInt8 {
        var hash: UInt32 = 2_166_136_261
        for byte in slot.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return UInt8(truncatingIfNeeded: hash ^ hash >> 8 ^ hash >> 16 ^ hash >> 24)
    }
}
