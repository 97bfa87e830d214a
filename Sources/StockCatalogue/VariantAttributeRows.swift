public import StockProjection

/// The Color / Size attribute rows of a catalogue's multi-variant templates, as Odoo stores them:
/// `product_template_attribute_line`, `product_template_attribute_value` (PTAV) and `product_variant_combination`.
///
/// Each variant of a multi-variant template gets the Color (and, past six variants, Size) of its position in the
/// template. The catalogue's ``OdooCatalogue/attributeValues`` and ``OdooCatalogue/variantValueLinks`` and the
/// SQL that loads the catalogue both come from here, so their ids agree.
public struct VariantAttributeRows: Sendable {
    /// Color value names (`product_attribute_value` ids 1...6, attribute 1).
    public static let colors = ["Red", "Blue", "Green", "Black", "White", "Oak"]
    /// Size value names (`product_attribute_value` ids 7...10, attribute 2).
    public static let sizes = ["S", "M", "L", "XL"]
    /// The `product_attribute_value` id of a color.
    public static func colorValueID(_ index: Int) -> Int { 1 + index }
    /// The `product_attribute_value` id of a size.
    public static func sizeValueID(_ index: Int) -> Int { 1 + colors.count + index }

    /// A `product_template_attribute_line` row.
    public struct Line: Hashable, Sendable {
        /// Its id.
        public var id: Int
        /// The template.
        public var templateID: Int32
        /// The attribute (1 Color, 2 Size).
        public var attributeID: Int
    }

    /// A `product_template_attribute_value` row.
    public struct Value: Hashable, Sendable {
        /// Its id (the PTAV id).
        public var id: Int
        /// The `product_attribute_value` id.
        public var valueID: Int
        /// The attribute line.
        public var lineID: Int
        /// The template.
        public var templateID: Int32
        /// The attribute.
        public var attributeID: Int
    }

    /// Attribute lines.
    public private(set) var lines: [Line] = []
    /// Template attribute values.
    public private(set) var values: [Value] = []
    /// PTAV ids per variant, ascending.
    public private(set) var combinations: [VariantID: [Int]] = [:]
    /// `product_product.combination_indices`: the ids joined by commas.
    public private(set) var combinationIndices: [VariantID: String] = [:]

    /// Builds the rows for templates and their variants (in catalogue order).
    public init(templates: [ProductTemplate], variantsByTemplate: [TemplateID: [ProductVariant]]) {
        var nextLine = 1
        var nextValue = 1
        for template in templates {
            let variants = variantsByTemplate[template.id] ?? []
            guard variants.count > 1 else { continue }
            let colorOf = variants.indices.map { $0 % Self.colors.count }
            let sizeOf = variants.indices.map { ($0 / Self.colors.count) % Self.sizes.count }
            var chosen: [[Int]] = Array(repeating: [], count: variants.count)
            for (attributeID, indexes, valueID) in [(1, colorOf, Self.colorValueID), (2, sizeOf, Self.sizeValueID)] {
                let used = Array(Set(indexes)).sorted()
                guard used.count > 1 || attributeID == 1 else { continue }
                let line = Line(id: nextLine, templateID: template.id.rawValue, attributeID: attributeID)
                nextLine += 1
                lines.append(line)
                var ptavByIndex: [Int: Int] = [:]
                for index in used {
                    values.append(
                        Value(id: nextValue, valueID: valueID(index), lineID: line.id, templateID: template.id.rawValue, attributeID: attributeID))
                    ptavByIndex[index] = nextValue
                    nextValue += 1
                }
                for position in variants.indices { chosen[position].append(ptavByIndex[indexes[position]]!) }
            }
            for (position, variant) in variants.enumerated() {
                let ids = chosen[position].sorted()
                combinations[variant.id] = ids
                combinationIndices[variant.id] = ids.map(String.init).joined(separator: ",")
            }
        }
    }
}
