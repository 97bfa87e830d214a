import HashTreeCollections

/// The manufacturing rows the projection mirrors to find and explode kits: BoMs, their lines, and the attribute
/// values that restrict lines to some variants. Persistent tries, so a snapshot copy shares them.
struct KitSource: Sendable {
    var boms = TreeDictionary<BoMID, BillOfMaterials>()
    /// Every BoM (any type, active or not) by the template it makes.
    var bomsByTemplate = TreeDictionary<TemplateID, [BoMID]>()
    var lines = TreeDictionary<BoMLineID, BoMLine>()
    var linesByBoM = TreeDictionary<BoMID, [BoMLineID]>()
    /// `product_template_attribute_value.attribute_id` by value.
    var attributeOfValue = TreeDictionary<AttributeValueID, AttributeID>()
    /// The values each restricted line is limited to.
    var lineValues = TreeDictionary<BoMLineID, [AttributeValueID]>()
    /// The values each variant carries.
    var variantValues = TreeDictionary<VariantID, [AttributeValueID]>()

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

    mutating func link(_ link: BoMLineValueLink) {
        if lineValues[link.ownerID]?.contains(link.valueID) != true { lineValues[link.ownerID, default: []].append(link.valueID) }
    }

    mutating func unlink(_ link: BoMLineValueLink) -> Bool { Self.remove(link.valueID, from: &lineValues, key: link.ownerID) }

    mutating func link(_ link: VariantValueLink) {
        if variantValues[link.ownerID]?.contains(link.valueID) != true { variantValues[link.ownerID, default: []].append(link.valueID) }
    }

    mutating func unlink(_ link: VariantValueLink) -> Bool { Self.remove(link.valueID, from: &variantValues, key: link.ownerID) }

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
