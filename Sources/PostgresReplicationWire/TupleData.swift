/// The column values of one row in a pgoutput Insert, Update or Delete message.
///
/// On the wire ("Logical Replication Message Formats", TupleData,
/// <https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html>) a tuple is an `Int16` column
/// count followed by one cell per column: a kind byte (`n` NULL, `u` unchanged TOASTed value, `t` text, `b` binary),
/// and for `t` and `b` an `Int32` length and that many bytes.
///
/// A decoded tuple owns its bytes: decoding copies the cells' wire bytes once, in one allocation, into an array
/// that the tuple shares with the other tuple of the same message (an Update's old and new rows), and keeps the
/// offsets of the first and last cell. The cells are then read in place, in the manner of postgres-nio's `DataRow`:
/// ``TupleData`` is a `Collection` of ``Cell`` whose index walks the length-prefixed cells, and a text or binary
/// cell is an `ArraySlice` of the shared storage, so iterating the cells allocates nothing. The caller's receive
/// buffer may be freed as soon as decoding returns.
///
/// Cells are positional; map them to column names with the message's ``Relation`` (keep the latest one per relation OID), never by
/// a hard-coded position.
public struct TupleData: Collection, Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// A position in a tuple: the column number and the byte offset of its cell.
    public struct Index: Comparable, Hashable, Sendable {
        /// The column number, from 0.
        public let column: Int
        /// The cell's offset in the tuple's storage.
        @usableFromInline let offset: Int

        @usableFromInline init(column: Int, offset: Int) {
            self.column = column
            self.offset = offset
        }

        /// Orders positions by column number.
        ///
        /// - Parameters:
        ///   - lhs: A position.
        ///   - rhs: A position in the same tuple.
        /// - Returns: Whether `lhs` is an earlier column than `rhs`.
        @inlinable public static func < (lhs: Index, rhs: Index) -> Bool {
            lhs.column < rhs.column
        }
    }

    /// The cells' wire bytes (kind, length, value for each), possibly with another tuple's bytes around them.
    @usableFromInline let storage: [UInt8]
    /// The offset in ``storage`` of the first cell.
    @usableFromInline let cellsStart: Int
    /// The offset in ``storage`` just past the last cell.
    @usableFromInline let cellsEnd: Int

    /// The number of columns.
    ///
    /// - Complexity: O(1).
    public let count: Int

    /// Creates a tuple over bytes that ``scan(_:)`` has validated.
    ///
    /// - Parameters:
    ///   - storage: The copied bytes.
    ///   - base: The message offset that `storage[0]` was copied from.
    ///   - layout: Where the cells were in the message.
    init(storage: [UInt8], base: Int, layout: Layout) {
        self.storage = storage
        self.cellsStart = layout.cells.lowerBound - base
        self.cellsEnd = layout.cells.upperBound - base
        self.count = layout.count
    }

    /// Creates a tuple from cells, laid out as on the wire.
    ///
    /// Use this to build messages in tests or to replay rows; decoding never needs it.
    ///
    /// - Parameters:
    ///   - cells: The values, one per column.
    public init(_ cells: some Sequence<Cell>) {
        var storage: [UInt8] = []
        var count = 0
        for cell in cells {
            storage.append(cell.kind)
            if let bytes = cell.bytes {
                guard let length = Int32(exactly: bytes.count) else {
                    preconditionFailure("a tuple cell of \(bytes.count) bytes exceeds the protocol's Int32 length")
                }
                withUnsafeBytes(of: length.bigEndian) { storage.append(contentsOf: $0) }
                storage.append(contentsOf: bytes)
            }
            count += 1
        }
        self.storage = storage
        self.cellsStart = 0
        self.cellsEnd = storage.count
        self.count = count
    }

    /// Creates a tuple from a list of cells, such as `[.string("1"), .null, .unchangedToast]`.
    ///
    /// - Parameters:
    ///   - elements: The values, one per column.
    public init(arrayLiteral elements: Cell...) {
        self.init(elements)
    }

    /// The position of the first column.
    @inlinable public var startIndex: Index { Index(column: 0, offset: cellsStart) }

    /// The position past the last column.
    @inlinable public var endIndex: Index { Index(column: count, offset: cellsEnd) }

    /// Whether the tuple has no columns.
    ///
    /// - Complexity: O(1).
    @inlinable public var isEmpty: Bool { count == 0 }

    /// The position after `position`.
    ///
    /// - Parameters:
    ///   - position: A valid position other than ``endIndex``.
    /// - Returns: The next column's position.
    /// - Complexity: O(1).
    @inlinable public func index(after position: Index) -> Index {
        precondition(position.column < count, "TupleData index out of range")
        return Index(column: position.column + 1, offset: position.offset + _cellWidth(at: position.offset))
    }

    /// The cell at `position`.
    ///
    /// - Parameters:
    ///   - position: A valid position other than ``endIndex``.
    /// - Returns: The cell; text and binary values are slices of the tuple's storage (no copy).
    /// - Complexity: O(1).
    @inlinable public subscript(position: Index) -> Cell {
        precondition(position.column >= 0 && position.column < count, "TupleData index out of range")
        let offset = position.offset
        switch storage[offset] {
        case Cell.Kind.null: return .null
        case Cell.Kind.unchangedToast: return .unchangedToast
        case Cell.Kind.text: return .text(storage[offset + 5..<offset + 5 + _length(at: offset + 1)])
        default: return .binary(storage[offset + 5..<offset + 5 + _length(at: offset + 1)])
        }
    }

    /// The cell of column `column`, which must exist.
    ///
    /// - Parameters:
    ///   - column: A column number, from 0 to `count - 1`.
    /// - Returns: The cell.
    /// - Complexity: O(`column`): cells are found by walking their lengths. To read several columns, iterate once.
    public subscript(column column: Int) -> Cell {
        guard let cell = cell(at: column) else {
            preconditionFailure("column \(column) is out of range for a tuple of \(count) columns")
        }
        return cell
    }

    /// The cell of column `column`, or `nil` if the tuple has no such column.
    ///
    /// - Parameters:
    ///   - column: A column number, from 0.
    /// - Returns: The cell, or `nil` if `column` is negative or not less than ``count``.
    /// - Complexity: O(`column`).
    public func cell(at column: Int) -> Cell? {
        guard column >= 0, column < count else { return nil }
        var offset = cellsStart
        for _ in 0..<column { offset += _cellWidth(at: offset) }
        return self[Index(column: column, offset: offset)]
    }

    /// The cells, each as ``Cell/description`` prints it, in parentheses.
    public var description: String {
        "(" + map(\.description).joined(separator: ", ") + ")"
    }

    /// Tuples are equal when they have the same cells, wherever their bytes are stored.
    ///
    /// - Parameters:
    ///   - lhs: A tuple.
    ///   - rhs: Another tuple.
    /// - Returns: Whether the cells are equal.
    public static func == (lhs: TupleData, rhs: TupleData) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }

    /// Hashes the cells.
    ///
    /// - Parameters:
    ///   - hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for cell in self { hasher.combine(cell) }
    }

    /// The bytes the cell at `offset` occupies: 1 for `n` and `u`, 5 plus the length for `t` and `b`.
    @inlinable func _cellWidth(at offset: Int) -> Int {
        switch storage[offset] {
        case Cell.Kind.null, Cell.Kind.unchangedToast: 1
        default: 5 + _length(at: offset + 1)
        }
    }

    /// The big-endian `Int32` length at `offset`, validated when decoded.
    @inlinable func _length(at offset: Int) -> Int {
        Int(storage[offset]) << 24 | Int(storage[offset + 1]) << 16 | Int(storage[offset + 2]) << 8
            | Int(storage[offset + 3])
    }
}

extension TupleData {
    /// Where a validated tuple lies in a message.
    struct Layout {
        /// The number of columns.
        var count: Int
        /// The offsets of the cells, after the column count.
        var cells: Range<Int>
    }

    /// Reads and validates a TupleData at the reader's position, without copying it.
    ///
    /// - Parameters:
    ///   - reader: The message, positioned at the tuple's `Int16` column count.
    /// - Returns: The tuple's column count and the range of its cells.
    /// - Throws: ``WireDecodingError`` if a cell kind is unknown or a length runs past the message.
    static func scan(_ reader: inout WireReader) throws(WireDecodingError) -> Layout {
        let countOffset = reader.offset
        let count = Int(try reader.readUInt16("the tuple's column count"))
        guard count <= reader.remaining else {
            throw reader.error(
                .invalidLength,
                at: countOffset,
                "a tuple of \(count) columns needs at least \(count) bytes, \(reader.remaining) left"
            )
        }
        let start = reader.offset
        for _ in 0..<count {
            let kindOffset = reader.offset
            switch try reader.readUInt8("a tuple cell kind") {
            case Cell.Kind.null, Cell.Kind.unchangedToast:
                continue
            case Cell.Kind.text, Cell.Kind.binary:
                try reader.skip(try reader.readLength("a tuple cell length"), "a tuple cell value")
            case let kind:
                throw reader.error(
                    .unexpectedByte,
                    at: kindOffset,
                    "tuple cell kind \(WireDecodingError.printable(kind)), expected 'n', 'u', 't' or 'b'"
                )
            }
        }
        return Layout(count: count, cells: start..<reader.offset)
    }
}
