/// Which locations hold stock that must not be sold: quality control, damaged goods, quarantine.
///
/// Odoo has no such flag of its own (its `free_qty` counts QC stock), so the classification is configuration.
/// A location is quarantined when it, or any of its ancestors, matches a rule; so a `WH/Damaged` location
/// quarantines its bins too.
public struct QuarantineRules: Hashable, Sendable {
    /// Locations quarantined by id.
    public var locationIDs: Set<LocationID>
    /// Glob patterns over `complete_name` (`*` is any text, `?` one character), e.g. `*/Quality Control`.
    public var namePatterns: [String]
    /// Whether every warehouse's quality-control location (`wh_qc_stock_loc_id`) is quarantined.
    public var warehouseQualityControl: Bool

    /// Creates quarantine rules.
    public init(locationIDs: Set<LocationID> = [], namePatterns: [String] = [], warehouseQualityControl: Bool = false) {
        self.locationIDs = locationIDs
        self.namePatterns = namePatterns
        self.warehouseQualityControl = warehouseQualityControl
    }

    /// Whether a location matches a rule by itself (ancestors aside).
    ///
    /// - Parameters:
    ///   - location: The location to classify.
    ///   - qualityControlLocations: The QC locations of all warehouses.
    /// - Returns: `true` when the location is quarantined by id, by name or as a QC location.
    public func matches(_ location: Location, qualityControlLocations: Set<LocationID>) -> Bool {
        if locationIDs.contains(location.id) { return true }
        if warehouseQualityControl && qualityControlLocations.contains(location.id) { return true }
        return namePatterns.contains { Glob.matches(pattern: $0, text: location.completeName) }
    }
}

/// Minimal glob matching over Unicode characters: `*` matches any run, `?` exactly one character.
enum Glob {
    static func matches(pattern: String, text: String) -> Bool {
        let p = Array(pattern)
        let t = Array(text)
        var pi = 0
        var ti = 0
        var starP = -1
        var starT = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == "*" {
                starP = pi
                starT = ti
                pi += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
