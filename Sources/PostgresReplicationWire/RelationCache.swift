/// The latest ``Relation`` message for each relation OID, so that row cells can be read by column name.
///
/// pgoutput describes a table once per session, before its first change, and again whenever its definition
/// changes; the changes themselves only carry the OID and positional cells ("Logical Replication Message
/// Formats", <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>). Feed every
/// decoded message to ``observe(_:)`` (or every Relation to ``remember(_:)``) and look columns up by name with
/// ``columnIndex(named:inRelation:)`` or ``cell(named:in:relationID:)``: positions change when Odoo adds or drops a
/// column, names do not.
///
/// A later Relation for the same OID replaces the earlier one, columns and all.
public struct RelationCache: Sendable {
    /// A relation and its column positions by name.
    private struct Entry: Sendable {
        var relation: Relation
        var columnIndices: [String: Int]

        init(_ relation: Relation) {
            self.relation = relation
            var indices: [String: Int] = [:]
            indices.reserveCapacity(relation.columns.count)
            for (index, column) in relation.columns.enumerated() where indices[column.name] == nil {
                indices[column.name] = index
            }
            self.columnIndices = indices
        }
    }

    private var entries: [UInt32: Entry] = [:]

    /// Creates an empty cache.
    public init() {}

    /// The number of relations remembered.
    public var count: Int { entries.count }

    /// Whether no relation is remembered.
    public var isEmpty: Bool { entries.isEmpty }

    /// Remembers `relation`, replacing any earlier description of the same OID.
    ///
    /// - Parameters:
    ///   - relation: A decoded Relation message.
    /// - Complexity: O(*n*) in the number of columns.
    public mutating func remember(_ relation: Relation) {
        entries[relation.id] = Entry(relation)
    }

    /// Remembers `message` if it is a Relation, and ignores any other message.
    ///
    /// - Parameters:
    ///   - message: Any decoded pgoutput message.
    /// - Returns: Whether the message was a Relation.
    @discardableResult
    public mutating func observe(_ message: PgOutputMessage) -> Bool {
        guard case .relation(let relation) = message else { return false }
        remember(relation)
        return true
    }

    /// Forgets the relation with OID `relationID`.
    ///
    /// - Parameters:
    ///   - relationID: A relation OID.
    public mutating func forget(_ relationID: UInt32) {
        entries[relationID] = nil
    }

    /// Forgets every relation, as when a new replication connection starts.
    public mutating func removeAll() {
        entries.removeAll()
    }

    /// The latest Relation message for `relationID`.
    ///
    /// - Parameters:
    ///   - relationID: A relation OID from an Insert, Update, Delete or Truncate.
    /// - Returns: The relation, or `nil` if none was received.
    /// - Complexity: O(1).
    public subscript(relationID: UInt32) -> Relation? {
        entries[relationID]?.relation
    }

    /// The position of the column named `name` in the tuples of relation `relationID`.
    ///
    /// - Parameters:
    ///   - name: A column name, compared exactly.
    ///   - relationID: A relation OID.
    /// - Returns: The column's index in each ``TupleData`` of that relation, or `nil` if the relation is unknown or
    ///   has no such column.
    /// - Complexity: O(1) on average.
    public func columnIndex(named name: String, inRelation relationID: UInt32) -> Int? {
        entries[relationID]?.columnIndices[name]
    }

    /// The cell of the column named `name` in `tuple`, a tuple of relation `relationID`.
    ///
    /// - Parameters:
    ///   - name: A column name, compared exactly.
    ///   - tuple: A tuple from an Insert, Update or Delete of that relation.
    ///   - relationID: The relation OID from the same message.
    /// - Returns: The cell, or `nil` if the relation is unknown, has no such column, or the tuple is shorter.
    /// - Complexity: O(*n*) in the column's position (see ``TupleData/cell(at:)``).
    public func cell(named name: String, in tuple: TupleData, relationID: UInt32) -> TupleData.Cell? {
        guard let index = columnIndex(named: name, inRelation: relationID) else { return nil }
        return tuple.cell(at: index)
    }
}
