/// One column value of a source row, as PostgreSQL sends it in text format (pgoutput, or `COPY` text).
public enum SourceCell: Hashable, Sendable {
    /// SQL `NULL`.
    case null
    /// An unchanged TOASTed value that pgoutput did not send with an UPDATE: keep the previous value.
    case unchanged
    /// The value's text, as bytes: mappers parse numbers, ids, booleans, states and dates from them and build a
    /// `String` only for text the projection keeps.
    case text(SourceText)
}

/// The UTF-8 bytes of a cell's text, kept as a slice of the row's buffer (a pgoutput tuple's storage, or a `COPY`
/// row's): making one copies nothing.
///
/// A string literal makes one (`.text("12.5")` in tests); ``string`` builds a `String` when text is really kept.
public struct SourceText: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text's UTF-8 bytes (the slice's indices are those of the row's buffer, so they need not start at 0).
    public var bytes: ArraySlice<UInt8>

    /// Wraps bytes of text.
    ///
    /// - Parameter bytes: UTF-8 text.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// Copies a string's bytes.
    ///
    /// - Parameter string: The text.
    public init(_ string: String) { self.bytes = ArraySlice(string.utf8) }

    /// Copies a literal's bytes.
    ///
    /// - Parameter value: The text.
    public init(stringLiteral value: String) { self.init(value) }

    /// The text as a new `String` (invalid UTF-8 becomes U+FFFD).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The text.
    public var description: String { string }
}
