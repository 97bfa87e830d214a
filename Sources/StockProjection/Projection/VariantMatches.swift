/// The variants a SKU, a barcode or a template names, in ascending id order.
///
/// One match (the usual case of a SKU or a barcode) is held inline, so a look-up allocates nothing; several go to
/// an array. It compares equal to an array literal of the same ids in the same order.
public struct VariantMatches: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    private let single: VariantID
    private let several: [VariantID]
    /// The number of variants.
    public let count: Int

    /// No variants.
    public init() {
        single = VariantID(0)
        several = []
        count = 0
    }

    /// The given variants, in the given order.
    public init(_ ids: [VariantID]) {
        if ids.count == 1 {
            single = ids[0]
            several = []
        } else {
            single = VariantID(0)
            several = ids
        }
        count = ids.count
    }

    /// One variant.
    public init(_ id: VariantID) {
        single = id
        several = []
        count = 1
    }

    public init(arrayLiteral elements: VariantID...) { self.init(elements) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> VariantID {
        precondition(position >= 0 && position < count, "VariantMatches index out of range")
        return count == 1 ? single : several[position]
    }

    public static func == (lhs: VariantMatches, rhs: VariantMatches) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for id in self { hasher.combine(id) }
    }
}
