import CivilTime
public import StockProjection
public import StockStorage

/// The text `stockd inspect` prints.
public enum StoreReport {
    /// A human-readable report of a store.
    ///
    /// - Parameters:
    ///   - info: What the store says about itself.
    ///   - snapshot: The projection loaded from it.
    ///   - loadSeconds: How long the load took.
    public static func text(info: StoreInfo, snapshot: ProjectionSnapshot, loadSeconds: Double) -> String {
        var lines: [String] = []
        lines.append("store:          \(info.path)")
        lines.append("format:         \(info.formatVersion)")
        if let checkpoint = info.checkpoint {
            var line = "checkpoint:     \(checkpoint)"
            if let time = checkpoint.commitTime { line += "  (committed \(timestamp(microseconds: time)))" }
            lines.append(line)
        } else {
            lines.append("checkpoint:     none (empty store)")
        }
        lines.append("change cursor:  \(info.changeCursor)")
        for table in SourceTable.allCases {
            lines.append("\(table.rawValue + ":")".padded(16) + "\(info.rowCounts[table] ?? 0) rows")
        }
        let counts = snapshot.counts
        lines.append(
            "levels:         \(counts.quants) quants over \(counts.variants) variants, \(counts.locations) locations, \(counts.warehouses) warehouses"
        )
        lines.append("file size:      \(megabytes(info.fileSize)) (map \(megabytes(info.mapSize)))")
        lines.append("load time:      \(Int(loadSeconds * 1000)) ms")
        return lines.joined(separator: "\n")
    }

    /// A JSON report of a store (exact decimal text for quantities is not needed here: only counts).
    public static func json(info: StoreInfo, snapshot: ProjectionSnapshot, loadSeconds: Double) -> String {
        var fields: [String] = []
        fields.append("\"store\":\(quoted(info.path))")
        fields.append("\"format\":\(info.formatVersion)")
        fields.append("\"checkpoint\":" + (info.checkpoint.map { quoted($0.description) } ?? "null"))
        fields.append("\"commit_time\":" + (info.checkpoint?.commitTime.map { quoted(timestamp(microseconds: $0)) } ?? "null"))
        fields.append("\"change_cursor\":\(info.changeCursor)")
        let rows = SourceTable.allCases.map { "\(quoted($0.rawValue)):\(info.rowCounts[$0] ?? 0)" }.joined(separator: ",")
        fields.append("\"rows\":{\(rows)}")
        fields.append("\"file_size_bytes\":\(info.fileSize)")
        fields.append("\"map_size_bytes\":\(info.mapSize)")
        fields.append("\"load_ms\":\(Int(loadSeconds * 1000))")
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case _ where scalar.value < 0x20:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    /// ISO 8601 UTC text with milliseconds for microseconds since 1970.
    ///
    /// - Parameters:
    ///   - microseconds: Microseconds since 1970-01-01T00:00:00Z.
    /// - Returns: `YYYY-MM-DDTHH:MM:SS.mmmZ`, the fraction truncated.
    public static func timestamp(microseconds: Int64) -> String {
        UTCDateTime(microseconds: microseconds).iso8601(fractionDigits: 3)
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
