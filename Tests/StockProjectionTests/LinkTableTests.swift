import Testing

@testable import StockProjection

/// The link table that holds `product_variant_combination` and BoM lines' attribute values (``LinkTable``), checked
/// against a dictionary of sets: random links and unlinks (an update of a link row arrives as both), owners in
/// three pages, beyond the directory and negative, copies taken now and then (published snapshots) that keep what
/// they held; and rows loaded in key order, as a reload reads them.
@Suite struct LinkTableTests {
    typealias Random = MoveStorageTests.Random
    typealias Table = LinkTable<ProductVariant, TemplateAttributeValue>

    static func expectEqual(_ table: Table, _ model: [Int32: Set<Int32>], owners: [Int32], _ comment: Comment) {
        let wrong = owners.filter { owner in
            table.values(of: VariantID(owner)).map(\.rawValue) != (model[owner] ?? []).sorted()
        }
        #expect(wrong.isEmpty, "\(comment): owners that differ from the model: \(wrong.prefix(10))")
        #expect(table.count == model.values.reduce(0) { $0 + $1.count }, comment)
    }

    @Test func matchesAModelAndCopiesOnWrite() {
        var table = Table()
        var model: [Int32: Set<Int32>] = [:]
        var random = Random(state: 31)
        var published: [(Table, [Int32: Set<Int32>])] = []
        let far: [Int32] = [1 << 26, (1 << 26) + 511, Int32.max, -1, -700, Int32.min]
        func someOwner() -> Int32 {
            switch Int.random(in: 0..<20, using: &random) {
            case 0: far.randomElement(using: &random)!
            case 1..<8: Int32.random(in: 0..<12, using: &random)  // a few owners with many values
            default: Int32.random(in: 0..<1_536, using: &random)
            }
        }
        for step in 0..<40_000 {
            let owner = someOwner()
            let value = Int32.random(in: -3..<60, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let inserted = table.insert(AttributeValueID(value), for: VariantID(owner))
                #expect(inserted == model[owner, default: []].insert(value).inserted)
            case 5..<8:
                let removed = table.remove(AttributeValueID(value), for: VariantID(owner))
                #expect(removed == (model[owner]?.remove(value) != nil))
                if model[owner]?.isEmpty == true { model[owner] = nil }
            default:
                // A replacement: the link row's value changes (an unlink and a link in one transaction).
                guard let old = model[owner]?.randomElement(using: &random) else { break }
                let removed = table.remove(AttributeValueID(old), for: VariantID(owner))
                #expect(removed)
                model[owner]!.remove(old)
                let inserted = table.insert(AttributeValueID(value), for: VariantID(owner))
                #expect(inserted == model[owner]!.insert(value).inserted)
            }
            #expect(table.values(of: VariantID(owner)).map(\.rawValue) == (model[owner] ?? []).sorted(), "owner \(owner) at step \(step)")
            #expect(table.contains(AttributeValueID(value), for: VariantID(owner)) == (model[owner]?.contains(value) ?? false))
            if step % 4_000 == 0 { published.append((table, model)) }
        }
        let owners = Array(0..<1_700) + far
        for (index, (copy, copyModel)) in (published + [(table, model)]).enumerated() {
            Self.expectEqual(copy, copyModel, owners: owners, "copy \(index)")
        }
        table.removeAll()
        #expect(table.isEmpty && table.values(of: VariantID(5)).isEmpty && table.pageBytes == 0)
        Self.expectEqual(published.last!.0, published.last!.1, owners: owners, "a copy after the table was emptied")
    }

    /// Rows in key order (owner, then value), with gaps in the owners, as `product_variant_combination` reloads:
    /// the table equals the model, and holds about 4 bytes per link and per owner of the pages it fills.
    @Test func rowsInKeyOrderAppend() {
        var table = Table()
        var model: [Int32: Set<Int32>] = [:]
        var random = Random(state: 5)
        var links = 0
        for owner in Int32(1)...20_000 where Int.random(in: 0..<5, using: &random) > 0 {
            var value = Int32.random(in: 1...1_000, using: &random)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let inserted = table.insert(AttributeValueID(value), for: VariantID(owner))
                #expect(inserted)
                model[owner, default: []].insert(value)
                links += 1
                value += Int32.random(in: 1...50, using: &random)
            }
        }
        Self.expectEqual(table, model, owners: Array(0...20_001), "key order")
        // Arrays grow by doubling: at most twice the 4 bytes per link and per owner, plus the directory.
        #expect(table.pageBytes <= 2 * (4 * links + 4 * 20_000) + 64 * 40, "\(table.pageBytes) bytes for \(links) links")
    }

    /// Unlinking every value of a page's owners frees the page's arrays.
    @Test func anEmptiedPageIsFreed() {
        var table = Table()
        for owner in Int32(600)..<700 { table.insert(AttributeValueID(owner % 7), for: VariantID(owner)) }
        let held = table.pageBytes
        for owner in Int32(600)..<650 {
            let removed = table.remove(AttributeValueID(owner % 7), for: VariantID(owner))
            #expect(removed)
        }
        #expect(table.pageBytes <= held)
        for owner in Int32(650)..<700 {
            let removed = table.remove(AttributeValueID(owner % 7), for: VariantID(owner))
            #expect(removed)
        }
        #expect(table.isEmpty)
        #expect(table.pageBytes <= 8 * MemoryLayout<LinkPage>.stride)  // the directory only: two empty pages
    }

    /// Odoo's `_skip_bom_line` over random attribute rows, restrictions and variant values: the projection (flat
    /// link tables) decides as the reference written with dictionaries and sets does, for every line and variant.
    @Test func lineSkippingMatchesTheDictionaryReference() {
        var random = Random(state: 77)
        var state = ProjectionState()
        var attributeOf: [Int32: Int32] = [:]
        var lineValues: [Int32: Set<Int32>] = [:]
        var variantValues: [Int32: Set<Int32>] = [:]
        for value in Int32(1)...24 where Int.random(in: 0..<8, using: &random) > 0 {  // some values stay unknown
            let attribute = Int32.random(in: 1...4, using: &random)
            attributeOf[value] = attribute
            state.load(.upsertAttributeValue(TemplateAttributeValue(id: AttributeValueID(value), attributeID: AttributeID(attribute))))
        }
        for _ in 0..<400 {
            let value = Int32.random(in: 1...24, using: &random)
            if Bool.random(using: &random) {
                let line = Int32.random(in: 1...30, using: &random)
                lineValues[line, default: []].insert(value)
                state.load(.linkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID(line), valueID: AttributeValueID(value))))
            } else {
                let variant = Int32.random(in: 1...60, using: &random)
                variantValues[variant, default: []].insert(value)
                state.load(.linkVariantValue(VariantValueLink(ownerID: VariantID(variant), valueID: AttributeValueID(value))))
            }
        }
        func referenceSkips(_ line: Int32, _ variant: Int32) -> Bool {
            guard let restriction = lineValues[line], !restriction.isEmpty else { return false }
            let carried = variantValues[variant] ?? []
            var satisfied: [Int32: Bool] = [:]
            for value in restriction {
                let attribute = attributeOf[value] ?? -value
                satisfied[attribute] = (satisfied[attribute] ?? false) || carried.contains(value)
            }
            return satisfied.values.contains(false)
        }
        var skipped = 0
        for line in Int32(1)...31 {
            for variant in Int32(1)...61 {
                let skips = state.skipsLine(BoMLineID(line), for: VariantID(variant))
                #expect(skips == referenceSkips(line, variant), "line \(line), variant \(variant)")
                if skips { skipped += 1 }
            }
        }
        #expect(skipped > 100 && skipped < 31 * 61 - 100, "the random rows skip some lines and keep others (\(skipped) skipped)")
    }
}
