import Foundation
import StockProjection

/// A rule firing: what is stored in the outbox and delivered to subscribers.
public struct StockEvent: Codable, Hashable, Sendable {
    /// `evt_<commit LSN, 16 hex digits>_<index in the transaction>`: the same after any restart.
    public var id: String
    /// `out_of_stock`, `back_in_stock`, `low_stock` or `changed`.
    public var type: String
    /// The rule that fired.
    public var ruleID: String
    /// The product.
    public var product: Product
    /// Where the figure was counted.
    public var scope: Scope
    /// The figure watched (`available`, `free`, `on_hand`).
    public var figure: String
    /// The figure before the transaction (decimal text).
    public var before: String
    /// The figure after it (decimal text).
    public var after: String
    /// The source transaction's commit LSN (`X/Y`).
    public var commitLSN: String
    /// The source transaction's commit time (ISO 8601, UTC), if known.
    public var commitTime: String?

    /// The product an event is about.
    public struct Product: Codable, Hashable, Sendable {
        /// The variant id (`product.product`).
        public var variantID: Int32
        /// Its SKU.
        public var sku: String?
        /// Its barcode.
        public var barcode: String?
        /// Whether it is a kit.
        public var kit: Bool

        /// Creates a product.
        public init(variantID: Int32, sku: String?, barcode: String?, kit: Bool) {
            self.variantID = variantID
            self.sku = sku
            self.barcode = barcode
            self.kit = kit
        }

        enum CodingKeys: String, CodingKey {
            case variantID = "variant_id"
            case sku, barcode, kit
        }
    }

    /// The scope an event is about.
    public struct Scope: Codable, Hashable, Sendable {
        /// `total`, `warehouse` or `location`.
        public var kind: String
        /// The warehouse, for `warehouse`.
        public var warehouseID: Int32?
        /// The warehouse's code, for `warehouse`.
        public var warehouseCode: String?
        /// The location, for `location`.
        public var locationID: Int32?

        /// Creates a scope.
        public init(kind: String, warehouseID: Int32? = nil, warehouseCode: String? = nil, locationID: Int32? = nil) {
            self.kind = kind
            self.warehouseID = warehouseID
            self.warehouseCode = warehouseCode
            self.locationID = locationID
        }

        enum CodingKeys: String, CodingKey {
            case kind
            case warehouseID = "warehouse_id"
            case warehouseCode = "warehouse_code"
            case locationID = "location_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, type, product, scope, figure, before, after
        case ruleID = "rule_id"
        case commitLSN = "commit_lsn"
        case commitTime = "commit_time"
    }

    /// The event as JSON (keys sorted, so the same event always has the same bytes).
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    /// Decodes an event from its JSON.
    public static func decode(_ bytes: [UInt8]) throws -> StockEvent {
        try JSONDecoder().decode(StockEvent.self, from: Data(bytes))
    }
}
