/// A variant as the catalogue stores it: 12 bytes of plain data, its SKU and barcode as references into the
/// catalogue's ``StringArena`` (31 bits each), the flags in their top bits (an absent record is all zeros).
struct VariantRecord: TableRecord {
    var templateID: Int32
    /// The SKU's arena reference, with the active flag in the top bit.
    private var skuBits: UInt32
    /// The barcode's arena reference, with the present flag in the top bit.
    private var barcodeBits: UInt32

    private static var flagBit: UInt32 { 0x8000_0000 }

    init(templateID: Int32, sku: ArenaString, barcode: ArenaString, active: Bool) {
        self.templateID = templateID
        skuBits = sku.raw | (active ? Self.flagBit : 0)
        barcodeBits = barcode.raw | Self.flagBit
    }

    private init(absent: Void) {
        templateID = 0
        skuBits = 0
        barcodeBits = 0
    }

    static var absent: VariantRecord { VariantRecord(absent: ()) }
    var isPresent: Bool { barcodeBits & Self.flagBit != 0 }
    var active: Bool { skuBits & Self.flagBit != 0 }

    var sku: ArenaString {
        get { ArenaString(raw: skuBits & ~Self.flagBit) }
        set { skuBits = newValue.raw | (skuBits & Self.flagBit) }
    }

    var barcode: ArenaString {
        get { ArenaString(raw: barcodeBits & ~Self.flagBit) }
        set { barcodeBits = newValue.raw | (barcodeBits & Self.flagBit) }
    }
}

/// A template as the catalogue stores it: 8 bytes of plain data.
struct TemplateRecord: TableRecord {
    var unitID: Int32
    var flags: UInt8

    static var presentFlag: UInt8 { 1 }
    static var activeFlag: UInt8 { 2 }
    static var storableFlag: UInt8 { 4 }
    static var absent: TemplateRecord { TemplateRecord(unitID: 0, flags: 0) }
    var isPresent: Bool { flags & Self.presentFlag != 0 }

    init(unitID: Int32, flags: UInt8) {
        self.unitID = unitID
        self.flags = flags
    }

    init(_ template: ProductTemplate) {
        unitID = template.unitID.rawValue
        flags = Self.presentFlag | (template.active ? Self.activeFlag : 0) | (template.storable ? Self.storableFlag : 0)
    }

    func template(id: TemplateID) -> ProductTemplate {
        ProductTemplate(id: id, storable: flags & Self.storableFlag != 0, unitID: UnitID(unitID), active: flags & Self.activeFlag != 0)
    }
}

/// What the projection needs of a variant on its own paths (kits, figures): its template and flag, without
/// building its SKU and barcode strings.
struct CatalogueVariant: Sendable {
    var id: VariantID
    var templateID: TemplateID
    var active: Bool
}

/// The product catalogue of a projection: variants and templates as plain-data records addressed by id, SKUs and
/// barcodes in a byte arena, hash indexes from SKU and barcode to variants, and each template's variants in a
/// ``LinkTable`` (template ids are dense serials: 4 bytes per variant, in id order, no hashing).
///
/// Every part copies on write by pages (``RecordTable``, ``StringArena``, ``VariantHashIndex``, ``LinkTable``):
/// copying the catalogue copies a few page directories, and a change afterwards copies the pages it touches.
struct CatalogueRecords: Sendable {
    private var variantRecords = RecordTable<VariantRecord>()
    private var templateRecords = RecordTable<TemplateRecord>()
    private var strings = StringArena()
    private var bySKU = VariantHashIndex()
    private var byBarcode = VariantHashIndex()
    private var byTemplate = LinkTable<ProductTemplate, ProductVariant>()

    /// The arena is rebuilt when its garbage passes this many bytes and the bytes in use.
    static var arenaGarbageLimit: Int { 1 << 20 }

    /// The variants held.
    var variantCount: Int { variantRecords.count }
    /// The templates held.
    var templateCount: Int { templateRecords.count }

    // MARK: Reading

    /// The variant with this id, its SKU and barcode decoded from the arena (allocating only for a string longer
    /// than 15 bytes).
    func variant(_ id: VariantID) -> ProductVariant? {
        guard let record = variantRecords[id.rawValue] else { return nil }
        return ProductVariant(
            id: id, templateID: TemplateID(record.templateID), sku: strings.string(record.sku), barcode: strings.string(record.barcode),
            active: record.active)
    }

    /// The variant with this id, its SKU given as `knownSKU` when that is what it holds (no string is decoded then).
    func variant(_ id: VariantID, knownSKU: String) -> ProductVariant? {
        guard let record = variantRecords[id.rawValue] else { return nil }
        var known = knownSKU
        let matches = known.withUTF8 { strings.equals(record.sku, $0) } && !record.sku.isNone
        return ProductVariant(
            id: id, templateID: TemplateID(record.templateID), sku: matches ? knownSKU : strings.string(record.sku),
            barcode: strings.string(record.barcode), active: record.active)
    }

    /// The variant's template and flag, without its strings.
    @inline(__always)
    func catalogueVariant(_ id: VariantID) -> CatalogueVariant? {
        guard let record = variantRecords[id.rawValue] else { return nil }
        return CatalogueVariant(id: id, templateID: TemplateID(record.templateID), active: record.active)
    }

    /// Whether a variant with this id is held.
    func containsVariant(_ id: VariantID) -> Bool { variantRecords[id.rawValue] != nil }

    /// The variant's SKU, or `nil` when it has none or is unknown.
    func sku(of id: VariantID) -> String? { variantRecords[id.rawValue].flatMap { strings.string($0.sku) } }

    /// The template with this id.
    func template(_ id: TemplateID) -> ProductTemplate? { templateRecords[id.rawValue].map { $0.template(id: id) } }

    /// Every variant with this SKU, in id order.
    func variants(sku: String) -> VariantMatches { variants(holding: sku, in: bySKU) { $0.sku } }

    /// Every variant with this barcode, in id order.
    func variants(barcode: String) -> VariantMatches { variants(holding: barcode, in: byBarcode) { $0.barcode } }

    /// Every variant whose `field` holds `text`, found through `index` (hashed by the text's bytes), in id order.
    @inline(__always)
    private func variants(holding text: String, in index: VariantHashIndex, field: (VariantRecord) -> ArenaString) -> VariantMatches {
        var text = text
        return text.withUTF8 { bytes in
            var matches = MatchCollector()
            index.forEach(hash: CatalogueHash.bytes(bytes)) { id in
                if let record = variantRecords[id], case let value = field(record), !value.isNone, strings.equals(value, bytes) {
                    matches.add(id)
                }
            }
            return matches.result
        }
    }

    /// Every variant of this template, in id order.
    func variants(template: TemplateID) -> VariantMatches {
        byTemplate.withValues(of: template) { ids in
            switch ids.count {
            case 0: VariantMatches()
            case 1: VariantMatches(VariantID(ids[0]))
            default: VariantMatches(ids.map(VariantID.init(rawValue:)))
            }
        }
    }

    // MARK: Changing

    /// Stores `variant`, replacing the record with its id; returns the template of the record it replaced and
    /// whether anything changed.
    mutating func upsert(_ variant: ProductVariant) -> (previousTemplate: TemplateID?, changed: Bool) {
        let id = variant.id.rawValue
        let old = variantRecords[id]
        if let old {
            if old.templateID == variant.templateID.rawValue, old.active == variant.active, same(old.sku, variant.sku),
                same(old.barcode, variant.barcode)
            {
                return (TemplateID(old.templateID), false)
            }
            unindex(old, id: id)
        }
        let record = VariantRecord(
            templateID: variant.templateID.rawValue,
            sku: variant.sku.map { strings.append($0) } ?? .none,
            barcode: variant.barcode.map { strings.append($0) } ?? .none,
            active: variant.active
        )
        variantRecords.set(record, for: id)
        if !record.sku.isNone { bySKU.insert(hash: hash(record.sku), variant: id) }
        if !record.barcode.isNone { byBarcode.insert(hash: hash(record.barcode), variant: id) }
        byTemplate.insert(VariantID(id), for: TemplateID(record.templateID))
        if old != nil { compactStringsIfNeeded() }
        return (old.map { TemplateID($0.templateID) }, true)
    }

    /// Forgets the variant with this id; returns its template, or `nil` when it was not held.
    mutating func removeVariant(_ id: VariantID) -> TemplateID? {
        guard let old = variantRecords.remove(id.rawValue) else { return nil }
        unindex(old, id: id.rawValue)
        compactStringsIfNeeded()
        return TemplateID(old.templateID)
    }

    /// Forgets every variant.
    mutating func removeAllVariants() {
        variantRecords.removeAll()
        strings.removeAll()
        bySKU.removeAll()
        byBarcode.removeAll()
        byTemplate.removeAll()
    }

    /// Stores `template`; returns whether it differs from the record it replaces.
    mutating func upsert(_ template: ProductTemplate) -> Bool {
        let record = TemplateRecord(template)
        let previous = templateRecords.set(record, for: template.id.rawValue)
        return previous.map { $0.template(id: template.id) } != template
    }

    /// Forgets the template with this id; returns whether it was held.
    mutating func removeTemplate(_ id: TemplateID) -> Bool { templateRecords.remove(id.rawValue) != nil }

    /// Forgets every template.
    mutating func removeAllTemplates() { templateRecords.removeAll() }

    /// Bytes held by the record pages, the arena and the indexes, for the footprint figures.
    var storageBytes: (variants: Int, templates: Int, strings: Int, indexes: Int) {
        (variantRecords.pageBytes, templateRecords.pageBytes, strings.pageBytes, bySKU.slotBytes + byBarcode.slotBytes + byTemplate.pageBytes)
    }

    /// The bytes each part holds, for the memory figures.
    var footprint: CatalogueFootprint {
        CatalogueFootprint(
            variants: variantRecords.count, variantRecords: variantRecords.pageBytes, templateRecords: templateRecords.pageBytes,
            strings: strings.pageBytes, stringsInUse: strings.used - strings.garbage, skuIndex: (bySKU.slotBytes, bySKU.count),
            barcodeIndex: (byBarcode.slotBytes, byBarcode.count), templateIndex: (byTemplate.pageBytes, byTemplate.count))
    }

    // MARK: Helpers

    private func hash(_ string: ArenaString) -> UInt32 { strings.withBytes(string) { CatalogueHash.bytes($0) } }

    private func same(_ stored: ArenaString, _ text: String?) -> Bool {
        guard var text else { return stored.isNone }
        return !stored.isNone && text.withUTF8 { strings.equals(stored, $0) }
    }

    private mutating func unindex(_ record: VariantRecord, id: Int32) {
        if !record.sku.isNone {
            bySKU.remove(hash: hash(record.sku), variant: id)
            strings.release(record.sku)
        }
        if !record.barcode.isNone {
            byBarcode.remove(hash: hash(record.barcode), variant: id)
            strings.release(record.barcode)
        }
        byTemplate.remove(VariantID(id), for: TemplateID(record.templateID))
    }

    /// Rebuilds the arena with only the strings in use, once garbage outweighs them (and passes a mebibyte).
    private mutating func compactStringsIfNeeded() {
        guard strings.garbage > Self.arenaGarbageLimit, strings.garbage * 2 > strings.used else { return }
        let old = strings
        var fresh = StringArena()
        variantRecords.updateAll { record in
            if !record.sku.isNone { record.sku = old.withBytes(record.sku) { fresh.append($0) } }
            if !record.barcode.isNone { record.barcode = old.withBytes(record.barcode) { fresh.append($0) } }
        }
        strings = fresh
    }
}

/// Gathers the variants a probe finds, inline while there is one, and returns them in id order.
private struct MatchCollector {
    private var first: Int32 = 0
    private var all: [VariantID] = []
    private var count = 0

    mutating func add(_ id: Int32) {
        switch count {
        case 0: first = id
        case 1: all = [VariantID(first), VariantID(id)]
        default: all.append(VariantID(id))
        }
        count += 1
    }

    var result: VariantMatches {
        switch count {
        case 0: VariantMatches()
        case 1: VariantMatches(VariantID(first))
        default: VariantMatches(all.sorted())
        }
    }
}

// MARK: Bulk building (a reload from storage)

/// The index entries of the variants a bulk load stored, gathered to build the SKU, barcode and template indexes
/// once at their final size (``CatalogueIndexes/init(building:)``).
struct CatalogueIndexEntries: Sendable {
    var sku: [UInt64] = []
    var barcode: [UInt64] = []
    /// (template, variant) links, as ``LinkTable/bulkLink(owner:value:)`` packs them.
    var template: [UInt64] = []

    init(capacity: Int) {
        sku.reserveCapacity(capacity)
        barcode.reserveCapacity(capacity)
        template.reserveCapacity(capacity)
    }
}

/// The SKU, barcode and template indexes of a catalogue, built apart from it (on another thread during a bulk
/// load) and installed with ``CatalogueRecords/installIndexes(_:)``.
struct CatalogueIndexes: Sendable {
    var bySKU: VariantHashIndex
    var byBarcode: VariantHashIndex
    var byTemplate: LinkTable<ProductTemplate, ProductVariant>

    init(building entries: CatalogueIndexEntries) {
        bySKU = entries.sku.withUnsafeBufferPointer { VariantHashIndex(bulkEntries: $0) }
        byBarcode = entries.barcode.withUnsafeBufferPointer { VariantHashIndex(bulkEntries: $0) }
        var links = entries.template
        // Variants arrive by id, so their templates mostly ascend too: sort only when they do not.
        if zip(links, links.dropFirst()).contains(where: { $0 > $1 }) { links.sort() }
        byTemplate = links.withUnsafeBufferPointer { LinkTable(bulkSortedLinks: $0) }
    }
}

extension CatalogueRecords {
    /// Stores a variant the catalogue does not hold yet, its SKU and barcode copied straight from `sku` and
    /// `barcode` (UTF-8, `nil` for none) into the arena, and adds its index entries to `entries` instead of the
    /// indexes: the record ``upsert(_:)`` would store, without building a `String` or growing an index.
    ///
    /// - Precondition: no variant with this id is held, and the indexes are installed afterwards from `entries`.
    mutating func bulkStoreVariant(
        id: Int32, templateID: Int32, sku: UnsafeRawBufferPointer?, barcode: UnsafeRawBufferPointer?, active: Bool,
        entries: inout CatalogueIndexEntries
    ) {
        let record = VariantRecord(
            templateID: templateID,
            sku: sku.map { strings.append($0.assumingMemoryBound(to: UInt8.self)) } ?? .none,
            barcode: barcode.map { strings.append($0.assumingMemoryBound(to: UInt8.self)) } ?? .none,
            active: active
        )
        let previous = variantRecords.set(record, for: id)
        precondition(previous == nil, "a bulk load stores each variant once")
        if let sku { entries.sku.append(VariantHashIndex.bulkEntry(hash: Self.hash(sku), variant: id)) }
        if let barcode { entries.barcode.append(VariantHashIndex.bulkEntry(hash: Self.hash(barcode), variant: id)) }
        entries.template.append(LinkTable<ProductTemplate, ProductVariant>.bulkLink(owner: templateID, value: id))
    }

    /// Installs indexes built from the entries ``bulkStoreVariant(id:templateID:sku:barcode:active:entries:)``
    /// gathered.
    ///
    /// - Precondition: the indexes are empty (nothing was indexed the row-by-row way).
    mutating func installIndexes(_ indexes: CatalogueIndexes) {
        precondition(bySKU.count == 0 && byBarcode.count == 0 && byTemplate.isEmpty, "indexes are installed once, into an empty catalogue")
        bySKU = indexes.bySKU
        byBarcode = indexes.byBarcode
        byTemplate = indexes.byTemplate
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 { CatalogueHash.bytes(bytes.assumingMemoryBound(to: UInt8.self)) }
}
