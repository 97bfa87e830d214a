public import LibPQ

/// Finds which Odoo major version a database belongs to, for the version-specific parts of Odoo's arithmetic
/// (kit rounding): the `base` module's installed version in `ir_module_module`, or, when that table cannot be
/// read, the schema (`product_template.is_storable` exists from 18 on).
public enum OdooVersionProbe {
    /// The detected major version, and how it was found.
    public struct Detection: Sendable, Equatable {
        /// 16, 17, 18 or later.
        public var majorVersion: Int
        /// `ir_module_module` or `schema`.
        public var source: String
    }

    /// Detects the version over an open (non-replication) connection.
    ///
    /// - Throws: ``PostgresError`` when the catalogue queries fail.
    public static func detect(_ connection: PostgresConnection) throws -> Detection {
        let registry = try connection.execute("SELECT to_regclass('ir_module_module') IS NOT NULL AS present")
        if registry.value("present") == "t" {
            // The role may lack SELECT on it (stockd setup grants only the tables it reads): fall back quietly.
            if let result = try? connection.execute("SELECT latest_version FROM ir_module_module WHERE name = 'base'"),
                let text = result.value("latest_version"), let major = Int(text.split(separator: ".").first ?? ""), major >= 10
            {
                return Detection(majorVersion: major, source: "ir_module_module")
            }
        }
        let storable = try connection.execute(
            """
            SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() \
            AND table_name = 'product_template' AND column_name = 'is_storable') AS present
            """)
        return Detection(majorVersion: storable.value("present") == "t" ? 18 : 17, source: "schema")
    }
}
