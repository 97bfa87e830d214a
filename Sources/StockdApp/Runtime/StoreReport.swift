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
        lines.append("levels:         \(counts.quants) quants over \(counts.variants) variants, \(counts.locations) locations, \(counts.warehouses) warehouses")
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
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
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
    public static func timestamp(microseconds: Int64) -> String {
        let seconds = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        var secs = seconds.quotient
        var micros = seconds.remainder
        if micros < 0 {
            micros += 1_000_000
            secs -= 1
        }
        let days = secs.quotientAndRemainder(dividingBy: 86_400)
        var day = days.quotient
        var secondOfDay = days.remainder
        if secondOfDay < 0 {
            secondOfDay += 86_400
            day -= 1
        }
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let dayOfMonth = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = micros / 1000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(year)-\(two(month))-\(two(dayOfMonth))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)).\(millisText)Z"
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
