/// What the projection derives from the location tree, warehouses and quarantine rules: a pre-order numbering
/// of the tree (so "is X inside L's subtree" is a range test), each location's quarantine class and warehouse,
/// and the resolved scopes of every warehouse and of "everywhere".
///
/// Rebuilt whenever a location, a warehouse or the quarantine rules change; locations are few (thousands),
/// so a rebuild costs well under a millisecond per thousand locations.
struct LocationIndex: Sendable {
    struct Slot: Sendable {
        /// Pre-order number, or -1 when the id is unknown.
        var preorder: Int32 = -1
        /// One past the last pre-order number of the subtree.
        var subtreeEnd: Int32 = -1
        /// Whether stock here is quarantined.
        var quarantined = false
        /// Index into `warehouseOrder` of the innermost warehouse whose view contains the location, or -1.
        var warehouse: Int32 = -1
    }

    /// Slots addressed by location id (ids are small and dense in Odoo).
    private(set) var slots: [Slot] = []
    /// Slots of ids too large for direct addressing.
    private(set) var sparseSlots: [LocationID: Slot] = [:]
    /// Warehouses in (id) order; `Slot.warehouse` indexes this.
    private(set) var warehouseOrder: [WarehouseID] = []
    private(set) var warehouseScopes: [WarehouseID: ResolvedScope] = [:]
    private(set) var everywhere = ResolvedScope.empty
    private(set) var locationsByName: [String: [LocationID]] = [:]
    private(set) var warehousesByCode: [String: [WarehouseID]] = [:]

    static let directAddressingLimit: Int32 = 1 << 22

    init() {}

    init(locations: [LocationID: Location], warehouses: [WarehouseID: Warehouse], quarantine: QuarantineRules) {
        // Children from `parent_path`, Odoo's own record of the tree.
        var children: [LocationID: [LocationID]] = [:]
        var roots: [LocationID] = []
        for location in locations.values {
            let ancestry = location.ancestry
            if ancestry.count >= 2, locations[ancestry[ancestry.count - 2]] != nil {
                children[ancestry[ancestry.count - 2], default: []].append(location.id)
            } else {
                roots.append(location.id)
            }
            locationsByName[location.completeName, default: []].append(location.id)
        }
        roots.sort()
        for key in children.keys { children[key]!.sort() }

        let qcLocations = Set(warehouses.values.compactMap(\.qualityControlLocationID))
        warehouseOrder = warehouses.keys.sorted()
        var warehouseAtView: [LocationID: Int32] = [:]
        for (index, id) in warehouseOrder.enumerated() {
            let warehouse = warehouses[id]!
            // Two warehouses on one view location: the lower id wins, deterministically.
            if warehouseAtView[warehouse.viewLocationID] == nil { warehouseAtView[warehouse.viewLocationID] = Int32(index) }
            warehousesByCode[warehouse.code, default: []].append(id)
        }

        if let maxID = locations.keys.map(\.rawValue).max(), maxID >= 0 {
            slots = Array(repeating: Slot(), count: Int(min(maxID, Self.directAddressingLimit - 1)) + 1)
        }

        // Iterative depth-first walk; a cycle in bad data cannot loop because each id is visited once.
        var counter: Int32 = 0
        var visited = Set<LocationID>()
        struct Frame {
            var id: LocationID
            var childIndex: Int
            var quarantined: Bool
            var warehouse: Int32
        }
        for root in roots {
            var stack: [Frame] = []
            func enter(_ id: LocationID, parentQuarantined: Bool, parentWarehouse: Int32) {
                guard visited.insert(id).inserted, let location = locations[id] else { return }
                let quarantined = parentQuarantined || quarantine.matches(location, qualityControlLocations: qcLocations)
                let warehouse = warehouseAtView[id] ?? parentWarehouse
                setSlot(id, Slot(preorder: counter, subtreeEnd: -1, quarantined: quarantined, warehouse: warehouse))
                counter += 1
                stack.append(Frame(id: id, childIndex: 0, quarantined: quarantined, warehouse: warehouse))
            }
            enter(root, parentQuarantined: false, parentWarehouse: -1)
            while let top = stack.last {
                let list = children[top.id] ?? []
                if top.childIndex < list.count {
                    stack[stack.count - 1].childIndex += 1
                    enter(list[top.childIndex], parentQuarantined: top.quarantined, parentWarehouse: top.warehouse)
                } else {
                    var slot = self.slot(top.id)
                    slot.subtreeEnd = counter
                    setSlot(top.id, slot)
                    stack.removeLast()
                }
            }
        }

        var activeRanges: [Range<Int32>] = []
        for id in warehouseOrder {
            let warehouse = warehouses[id]!
            let view = slot(warehouse.viewLocationID)
            let range: [Range<Int32>] = view.preorder >= 0 ? [view.preorder..<view.subtreeEnd] : []
            warehouseScopes[id] = ResolvedScope(ranges: range, warehouseCode: warehouse.code)
            if warehouse.active { activeRanges += range }
        }
        everywhere = ResolvedScope(ranges: activeRanges)
    }

    @inline(__always)
    func slot(_ id: LocationID) -> Slot {
        let raw = id.rawValue
        if raw >= 0 && Int(raw) < slots.count { return slots[Int(raw)] }
        if raw >= Self.directAddressingLimit || raw < 0 { return sparseSlots[id] ?? Slot() }
        return Slot()
    }

    private mutating func setSlot(_ id: LocationID, _ slot: Slot) {
        let raw = id.rawValue
        if raw >= 0 && Int(raw) < slots.count { slots[Int(raw)] = slot } else { sparseSlots[id] = slot }
    }

    func resolve(_ scope: StockScope, locations: [LocationID: Location]) throws(ScopeError) -> ResolvedScope {
        switch scope {
        case .everywhere:
            return everywhere
        case .warehouse(let id):
            guard let resolved = warehouseScopes[id] else { throw .unknownWarehouse(id) }
            return resolved
        case .location(let id):
            let slot = self.slot(id)
            guard locations[id] != nil, slot.preorder >= 0 else { throw .unknownLocation(id) }
            return ResolvedScope(ranges: [slot.preorder..<slot.subtreeEnd])
        case .union(let scopes):
            var ranges: [Range<Int32>] = []
            var codes = Set<String?>()
            for inner in scopes {
                let resolved = try resolve(inner, locations: locations)
                ranges += resolved.ranges
                codes.insert(resolved.warehouseCode)
            }
            return ResolvedScope(ranges: ranges, warehouseCode: codes.count == 1 ? codes.first! : nil)
        }
    }

    func warehouse(at index: Int32) -> WarehouseID? {
        index >= 0 && Int(index) < warehouseOrder.count ? warehouseOrder[Int(index)] : nil
    }

    func locations(named name: String) -> [LocationID] { locationsByName[name] ?? [] }
    func warehouses(code: String) -> [WarehouseID] { warehousesByCode[code] ?? [] }
}
