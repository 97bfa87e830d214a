import HashTreeCollections

/// The manufacturing rows the projection mirrors to find and explode kits: BoMs, their lines, and the attribute
/// values that restrict lines to some variants. A snapshot copy shares them: the BoM tables (as many rows as kits
/// have lines) are persistent tries; the attribute tables, which grow with the catalogue (a value row per template
/// attribute value, a link or two per variant), are paged plain data (``RecordTable``, ``LinkTable``), a few bytes
/// per row.
struct KitSource: Sendable {
    /// A template attribute value's attribute, as a ``RecordTable`` holds it.
    struct ValueAttribute: TableRecord {
        static var absent: Self { Self(attributeID: .min) }
        /// `product_template_attribute_value.attribute_id` (`Int32.min` marks a free slot; Odoo ids are positive).
        var attributeID: Int32
        var isPresent: Bool { attributeID != .min }
    }

    var boms = TreeDictionary<BoMID, BillOfMaterials>()
    /// Every BoM (any type, active or not) by the template it makes.
    var bomsByTemplate = TreeDictionary<TemplateID, [BoMID]>()
    var lines = TreeDictionary<BoMLineID, BoMLine>()
    var linesByBoM = TreeDictionary<BoMID, [BoMLineID]>()
    /// `product_template_attribute_value.attribute_id` by value.
    var attributeOfValue = RecordTable<ValueAttribute>()
    /// The values each restricted line is limited to.
    var lineValues = LinkTable<BoMLine, TemplateAttributeValue>()
    /// The values each variant carries.
    var variantValues = LinkTable<ProductVariant, TemplateAttributeValue>()

    var isEmpty: Bool { boms.isEmpty }

    mutating func upsert(_ bom: BillOfMaterials) {
        if let old = boms[bom.id], old.templateID != bom.templateID { Self.remove(bom.id, from: &bomsByTemplate, key: old.templateID) }
        if boms.updateValue(bom, forKey: bom.id)?.templateID != bom.templateID {
            bomsByTemplate[bom.templateID, default: []].append(bom.id)
        }
    }

    mutating func removeBoM(_ id: BoMID) -> Bool {
        guard let old = boms.removeValue(forKey: id) else { return false }
        Self.remove(id, from: &bomsByTemplate, key: old.templateID)
        return true
    }

    mutating func upsert(_ line: BoMLine) {
        if let old = lines[line.id], old.bomID != line.bomID { Self.remove(line.id, from: &linesByBoM, key: old.bomID) }
        if lines.updateValue(line, forKey: line.id)?.bomID != line.bomID {
            linesByBoM[line.bomID, default: []].append(line.id)
        }
    }

    mutating func removeLine(_ id: BoMLineID) -> Bool {
        guard let old = lines.removeValue(forKey: id) else { return false }
        Self.remove(id, from: &linesByBoM, key: old.bomID)
        return true
    }

    /// The attribute of a template attribute value, or `nil` for a value the projection does not hold.
    func attribute(of value: AttributeValueID) -> AttributeID? { attributeOfValue[value.rawValue].map { AttributeID($0.attributeID) } }

    /// Records a value's attribute.
    ///
    /// - Returns: Whether the value's attribute changed (a new value, or one moved to another attribute).
    mutating func upsert(_ value: TemplateAttributeValue) -> Bool {
        let previous = attributeOfValue.set(ValueAttribute(attributeID: value.attributeID.rawValue), for: value.id.rawValue)
        return previous?.attributeID != value.attributeID.rawValue
    }

    /// Forgets a value's attribute; `false` when the value was not held.
    mutating func removeAttributeValue(_ id: AttributeValueID) -> Bool { attributeOfValue.remove(id.rawValue) != nil }

    /// Adds a line's restriction to a value (nothing when it is there already). Rows in key order append.
    mutating func link(_ link: BoMLineValueLink) { lineValues.insert(link.valueID, for: link.ownerID) }

    mutating func unlink(_ link: BoMLineValueLink) -> Bool { lineValues.remove(link.valueID, for: link.ownerID) }

    /// Adds a variant's value (nothing when it is there already). Rows in key order append.
    mutating func link(_ link: VariantValueLink) { variantValues.insert(link.valueID, for: link.ownerID) }

    mutating func unlink(_ link: VariantValueLink) -> Bool { variantValues.remove(link.valueID, for: link.ownerID) }

    /// The lines of a BoM in Odoo's order (`sequence, id`).
    func orderedLines(of bom: BoMID) -> [BoMLine] {
        (linesByBoM[bom] ?? []).compactMap { lines[$0] }.sorted { ($0.sequence, $0.id) < ($1.sequence, $1.id) }
    }

    @discardableResult
    private static func remove<Key: Hashable, Value: Equatable>(_ value: Value, from index: inout TreeDictionary<Key, [Value]>, key: Key) -> Bool {
        guard var list = index[key], let position = list.firstIndex(of: value) else { return false }
        list.remove(at: position)
        index[key] = list.isEmpty ? nil : list
        return true
    }
}
