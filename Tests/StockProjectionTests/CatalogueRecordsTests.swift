import Testing

@testable import StockProjection

/// The catalogue's plain-data storage (``CatalogueRecords``: variant and template pages, the SKU/barcode arena and
/// the hash indexes), checked against plain dictionaries, and that a copy taken before changes (a published
/// snapshot) keeps answering as it did.
@Suite struct CatalogueRecordsTests {
    typealias Random = MoveStorageTests.Random

    /// A model of the catalogue: the variants by id; the look-ups are derived by scanning it.
    struct Model {
        var variants: [VariantID: ProductVariant] = [:]
        func bySKU(_ sku: String) -> [VariantID] { variants.values.filter { $0.sku == sku }.map(\.id).sorted() }
        func byBarcode(_ code: String) -> [VariantID] { variants.values.filter { $0.barcode == code }.map(\.id).sorted() }
        func byTemplate(_ id: TemplateID) -> [VariantID] { variants.values.filter { $0.templateID == id }.map(\.id).sorted() }
    }

    static func check(_ records: CatalogueRecords, against model: Model, skus: [String], barcodes: [String], templates: Int32) {
        #expect(records.variantCount == model.variants.count)
        for sku in skus { #expect(Array(records.variants(sku: sku)) == model.bySKU(sku), "sku \(sku)") }
        for code in barcodes { #expect(Array(records.variants(barcode: code)) == model.byBarcode(code), "barcode \(code)") }
        for template in 0...templates {
            #expect(Array(records.variants(template: TemplateID(template))) == model.byTemplate(TemplateID(template)))
        }
        for (id, variant) in model.variants { #expect(records.variant(id) == variant) }
    }

    /// Random upserts, changes of SKU, barcode and template, and deletes over ids in many pages (and a few beyond the
    /// page directory and below zero), with shared and long SKUs: every look-up equals the model after each round,
    /// and each copy taken earlier still equals the model of its time.
    @Test func recordsAndIndexesMatchAModelAndCopiesOnWrite() {
        var records = CatalogueRecords()
        var model = Model()
        var random = Random(state: 7)
        let skus = (0..<300).map { $0 % 3 == 0 ? "S\($0)" : "A-LONG-SKU-THAT-NEEDS-THE-HEAP-\($0)" }
        let barcodes = (0..<200).map { String(5_901_234_000_000 + $0) }
        let ids: [Int32] = Array(1...3_000) + [70_000_000, 70_000_001, -5]
        var published: [(CatalogueRecords, Model)] = []
        for round in 0..<12 {
            for _ in 0..<2_500 {
                let id = VariantID(ids.randomElement(using: &random)!)
                if Int.random(in: 0..<5, using: &random) == 0 {
                    let removed = records.removeVariant(id)
                    #expect(removed == model.variants.removeValue(forKey: id)?.templateID)
                } else {
                    let variant = ProductVariant(
                        id: id, templateID: TemplateID(Int32.random(in: 1...40, using: &random)),
                        sku: Int.random(in: 0..<8, using: &random) == 0 ? nil : skus.randomElement(using: &random),
                        barcode: Bool.random(using: &random) ? nil : barcodes.randomElement(using: &random),
                        active: Bool.random(using: &random))
                    let result = records.upsert(variant)
                    #expect(result.previousTemplate == model.variants[id]?.templateID)
                    #expect(result.changed == (model.variants[id] != variant))
                    model.variants[id] = variant
                }
            }
            Self.check(records, against: model, skus: skus + ["", "unknown"], barcodes: barcodes, templates: 41)
            if round % 3 == 0 { published.append((records, model)) }
        }
        for (copy, copyModel) in published {
            Self.check(copy, against: copyModel, skus: skus, barcodes: barcodes, templates: 41)
        }
        records.removeAllVariants()
        #expect(records.variantCount == 0)
        #expect(records.variants(sku: skus[1]).isEmpty)
    }

    /// One SKU rewritten many times with long texts fills the arena with garbage: the arena is rebuilt (its pages
    /// stay within a few times what is in use) and the answers stay right, in the copy taken before as well.
    @Test func arenaIsRebuiltOnceGarbageOutweighsStrings() {
        var records = CatalogueRecords()
        for id in 1...100 {
            _ = records.upsert(ProductVariant(id: VariantID(Int32(id)), templateID: TemplateID(1), sku: "KEEP-\(id)", barcode: nil, active: true))
        }
        let before = records
        let long = String(repeating: "x", count: 200)
        for step in 0..<20_000 {
            _ = records.upsert(ProductVariant(id: VariantID(1), templateID: TemplateID(1), sku: "\(long)-\(step)", barcode: nil, active: true))
        }
        #expect(records.storageBytes.strings < 2 << 20)  // 4 MiB of strings were written
        #expect(records.variant(VariantID(1))?.sku == "\(long)-19999")
        #expect(Array(records.variants(sku: "\(long)-19999")) == [VariantID(1)])
        #expect(records.variants(sku: "\(long)-19998").isEmpty)
        for id in 2...100 { #expect(Array(records.variants(sku: "KEEP-\(id)")) == [VariantID(Int32(id))]) }
        #expect(before.variant(VariantID(1))?.sku == "KEEP-1")
        #expect(Array(before.variants(sku: "KEEP-1")) == [VariantID(1)])
    }

    /// Templates: stored, replaced (reporting whether they changed), removed.
    @Test func templates() {
        var records = CatalogueRecords()
        let template = ProductTemplate(id: TemplateID(9), storable: true, unitID: UnitID(3), active: false)
        let inserted = records.upsert(template)
        let replacedByItself = records.upsert(template)
        #expect(inserted)
        #expect(!replacedByItself)
        #expect(records.template(TemplateID(9)) == template)
        #expect(records.templateCount == 1)
        let removed = records.removeTemplate(TemplateID(9))
        let removedAgain = records.removeTemplate(TemplateID(9))
        #expect(removed)
        #expect(!removedAgain)
        #expect(records.template(TemplateID(9)) == nil)
    }

    /// The hash index alone, with many entries under few hashes and many under distinct ones (forcing shard growth
    /// and splits), removals by backward shift: it returns exactly the model's entries for every hash.
    @Test func hashIndexMatchesAModel() {
        var index = VariantHashIndex()
        var entries: [(hash: UInt32, variant: Int32)] = []
        var random = Random(state: 3)
        for step in 0..<60_000 {
            let hash = step % 4 == 0 ? UInt32.random(in: 0..<8, using: &random) : UInt32.random(in: 0...UInt32.max, using: &random)
            index.insert(hash: hash, variant: Int32(step))
            entries.append((hash, Int32(step)))
            if step % 3 == 0 {
                let victim = Int.random(in: 0..<entries.count, using: &random)
                let removed = index.remove(hash: entries[victim].hash, variant: entries[victim].variant)
                #expect(removed)
                entries.swapAt(victim, entries.count - 1)
                entries.removeLast()
            }
        }
        #expect(index.count == entries.count)
        let model = Dictionary(grouping: entries, by: \.hash).mapValues { $0.map(\.variant).sorted() }
        for (hash, variants) in model {
            var found: [Int32] = []
            index.forEach(hash: hash) { found.append($0) }
            #expect(found.sorted() == variants)
        }
        let removedUnknown = index.remove(hash: 12_345, variant: -1)
        #expect(!removedUnknown)
    }
}

/// The compact layout (issue 12, 64 B per level): the variant record's 12-byte stride with its flags in the string
/// references' top bits, the hash index's fill (at most four fifths full, a quarter of growth, exactly sized when
/// built at once) and the template links built at once.
@Suite struct CatalogueLayoutTests {
    typealias Random = MoveStorageTests.Random

    @Test func variantRecordIsTwelveBytesWithItsFlagsInTheReferences() {
        #expect(MemoryLayout<VariantRecord>.stride == 12)
        #expect(!VariantRecord.absent.isPresent)
        for active in [false, true] {
            for (sku, barcode) in [(ArenaString.none, ArenaString.none), (ArenaString(raw: 0), .none), (.none, ArenaString(raw: 0x7FFF_FFFE))] {
                var record = VariantRecord(templateID: -3, sku: sku, barcode: barcode, active: active)
                #expect(record.isPresent && record.active == active && record.templateID == -3)
                #expect(record.sku == sku && record.barcode == barcode)
                record.sku = ArenaString(raw: 12_345)
                record.barcode = .none
                #expect(record.isPresent && record.active == active)
                #expect(record.sku == ArenaString(raw: 12_345) && record.barcode.isNone)
            }
        }
    }

    /// 300,000 random hashes one by one stay between 64 % and 80 % full once past the first shards' minimum, and
    /// the same entries built at once are 80 % full; both answer every hash alike, and keep doing so through inserts
    /// and removals after the bulk build.
    @Test func hashIndexFillOneByOneAndBuiltAtOnce() {
        var random = Random(state: 11)
        var index = VariantHashIndex()
        var entries: [UInt64] = []
        for variant in 0..<300_000 as Range<Int32> {
            let hash = UInt32.random(in: 0...UInt32.max, using: &random)
            index.insert(hash: hash, variant: variant)
            entries.append(VariantHashIndex.bulkEntry(hash: hash, variant: variant))
        }
        let bytesPerEntry = Double(index.slotBytes) / Double(index.count)
        #expect(bytesPerEntry >= 8 / 0.81 && bytesPerEntry <= 8 / 0.63, "one by one: \(bytesPerEntry) B per entry")
        var bulk = entries.withUnsafeBufferPointer { VariantHashIndex(bulkEntries: $0) }
        let bulkBytesPerEntry = Double(bulk.slotBytes) / Double(bulk.count)
        #expect(bulkBytesPerEntry <= 8 / 0.79, "built at once: \(bulkBytesPerEntry) B per entry")
        func found(_ index: VariantHashIndex, _ hash: UInt32) -> [Int32] {
            var found: [Int32] = []
            index.forEach(hash: hash) { found.append($0) }
            return found.sorted()
        }
        for entry in entries.prefix(5_000) {
            let hash = UInt32(truncatingIfNeeded: entry >> 32)
            #expect(found(index, hash) == found(bulk, hash))
            #expect(found(bulk, hash).contains(Int32(truncatingIfNeeded: entry)))
        }
        // Changes after a bulk build grow and shrink its exactly sized shards.
        for entry in entries.prefix(20_000) {
            let removed = bulk.remove(hash: UInt32(truncatingIfNeeded: entry >> 32), variant: Int32(truncatingIfNeeded: entry))
            #expect(removed)
        }
        for variant in 300_000..<340_000 as Range<Int32> { bulk.insert(hash: UInt32(bitPattern: variant &* 7_919), variant: variant) }
        #expect(bulk.count == 320_000)
        for entry in entries.prefix(20_000) {
            #expect(!found(bulk, UInt32(truncatingIfNeeded: entry >> 32)).contains(Int32(truncatingIfNeeded: entry)))
        }
        for entry in entries.dropFirst(20_000).prefix(5_000) {
            #expect(found(bulk, UInt32(truncatingIfNeeded: entry >> 32)).contains(Int32(truncatingIfNeeded: entry)))
        }
        for variant in 300_000..<340_000 as Range<Int32> { #expect(found(bulk, UInt32(bitPattern: variant &* 7_919)).contains(variant)) }
    }

    /// Template links built at once (sorted, owners in several pages, negative and beyond the directory) answer as
    /// the table the same links inserted one by one builds, with no spare capacity.
    @Test func templateLinksBuiltAtOnceMatchOneByOne() {
        typealias Table = LinkTable<ProductTemplate, ProductVariant>
        var random = Random(state: 5)
        var oneByOne = Table()
        var links: Set<UInt64> = []
        let owners: [Int32] = Array(0..<2_000) + [-7, -1, Int32.min, 1 << 26, Int32.max]
        for value in 0..<8_000 as Range<Int32> {
            let owner = owners.randomElement(using: &random)!
            oneByOne.insert(VariantID(value), for: TemplateID(owner))
            links.insert(Table.bulkLink(owner: owner, value: value))
        }
        let sorted = links.sorted()
        let bulk = sorted.withUnsafeBufferPointer { Table(bulkSortedLinks: $0) }
        #expect(bulk.count == oneByOne.count)
        for owner in owners + [2_000, 5_000, -2] {
            #expect(bulk.values(of: TemplateID(owner)) == oneByOne.values(of: TemplateID(owner)), "owner \(owner)")
        }
        #expect(bulk.pageBytes <= oneByOne.pageBytes)
        var records = CatalogueRecords()
        #expect(records.variants(template: TemplateID(1)).isEmpty)
        for id in [5, 3, 9] as [Int32] {
            _ = records.upsert(ProductVariant(id: VariantID(id), templateID: TemplateID(1), sku: nil, barcode: nil, active: true))
        }
        #expect(Array(records.variants(template: TemplateID(1))) == [VariantID(3), VariantID(5), VariantID(9)])
        _ = records.upsert(ProductVariant(id: VariantID(5), templateID: TemplateID(2), sku: nil, barcode: nil, active: false))
        #expect(Array(records.variants(template: TemplateID(1))) == [VariantID(3), VariantID(9)])
        #expect(Array(records.variants(template: TemplateID(2))) == [VariantID(5)])
    }

    /// Digit strings of 4 to 64 digits are packed two to a byte (an EAN-13 in 8 bytes with its prefix); every string,
    /// packed or not, reads back as it was written, and releasing them all turns every byte used into garbage.
    @Test func digitStringsArePackedAndReadBack() {
        var arena = StringArena()
        var texts = (0...70).map { String(repeating: "0123456789", count: 8).prefix($0) }.map(String.init)
        texts += ["5901234123457", "0000", "999", "12a4", "-1234", "１２３４", "", String(repeating: "7", count: 64), String(repeating: "7", count: 65)]
        let stored = texts.map { arena.append($0) }
        for (text, string) in zip(texts, stored) {
            #expect(arena.string(string) == text)
            var query = text
            #expect(query.withUTF8 { arena.equals(string, $0) })
        }
        var ean = StringArena()
        _ = ean.append("5901234123457")
        #expect(ean.used == 8)
        for string in stored { arena.release(string) }
        #expect(arena.garbage == arena.used)
    }
}
