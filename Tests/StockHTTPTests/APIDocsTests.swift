import Foundation
import HTTPTypes
import Testing

@testable import StockHTTP

/// The router, `docs/openapi.yaml` and `docs/api.md` name the same operations, and `docs/api.md` shows a `curl`
/// example of each: a route added to one of them without the others fails here.
@Suite struct APIDocsTests {
    /// The repository's root, found from this file's path (Tests/StockHTTPTests/APIDocsTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// `METHOD /path` of every operation under `paths:` in the OpenAPI document (two-space path keys, four-space
    /// method keys, as the file is written).
    static func specOperations() throws -> Set<String> {
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in try read("docs/openapi.yaml").split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(String(key)) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    /// `METHOD /path` of every row of the first table of docs/api.md (its list of endpoints), query strings dropped.
    static func guideOperations() throws -> Set<String> {
        var operations: Set<String> = []
        var seenTable = false
        for line in try read("docs/api.md").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| `") {
                seenTable = true
                let cell = line.dropFirst(3).prefix { $0 != "`" }
                let parts = cell.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                operations.insert("\(parts[0]) \(parts[1].prefix { $0 != "?" })")
            } else if seenTable && !line.hasPrefix("|") {
                break
            }
        }
        return operations
    }

    /// The paths (without query) of the URLs in docs/api.md's `curl` command lines, and whether each sends a body.
    static func curlExamples() throws -> [(path: String, sendsBody: Bool)] {
        let text = try read("docs/api.md")
        var examples: [(String, Bool)] = []
        for line in text.split(separator: "\n") where line.contains("curl ") {
            let sendsBody = line.contains(" -d ") || line.contains("--data") || line.contains("-X POST")
            var rest = Substring(line)
            while let start = rest.range(of: "http://") {
                let url = rest[start.upperBound...].prefix { !" '\"".contains($0) }
                let path = url.drop { $0 != "/" }.prefix { $0 != "?" }
                examples.append((String(path), sendsBody))
                rest = rest[start.upperBound...]
            }
        }
        return examples
    }

    /// Whether a concrete path matches an OpenAPI path template (`{name}` is one segment).
    static func matches(_ path: String, template: String) -> Bool {
        let concrete = path.split(separator: "/", omittingEmptySubsequences: false)
        let pattern = template.split(separator: "/", omittingEmptySubsequences: false)
        guard concrete.count == pattern.count else { return false }
        return zip(concrete, pattern).allSatisfy { $1.hasPrefix("{") && $1.hasSuffix("}") ? !$0.isEmpty : $0 == $1 }
    }

    @Test func theSpecDocumentsEveryRouteAndNoOther() throws {
        var configuration = StockHTTPConfiguration(metricsHandler: { "" })
        configuration.administration = RecordingAdministration()
        configuration.storeSnapshots = NoStoreSnapshots()  // served by `stockd serve`, always
        let routes = routeTable(configuration).routes
        let served = Set(routes.flatMap { route in route.methods.filter { $0 != .head }.map { "\($0.rawValue) \(route.template)" } })
        let spec = try Self.specOperations()
        #expect(!spec.isEmpty)
        #expect(spec.subtracting(served).isEmpty, "in openapi.yaml but not served: \(spec.subtracting(served).sorted())")
        #expect(served.subtracting(spec).isEmpty, "served but not in openapi.yaml: \(served.subtracting(spec).sorted())")
    }

    @Test func theGuideListsEveryOperationOfTheSpec() throws {
        let spec = try Self.specOperations()
        let guide = try Self.guideOperations()
        #expect(spec.subtracting(guide).isEmpty, "in openapi.yaml but not in docs/api.md's table: \(spec.subtracting(guide).sorted())")
        #expect(guide.subtracting(spec).isEmpty, "in docs/api.md's table but not in openapi.yaml: \(guide.subtracting(spec).sorted())")
    }

    @Test func theGuideHasACurlExampleOfEveryOperation() throws {
        let examples = try Self.curlExamples()
        for operation in try Self.specOperations().sorted() {
            let parts = operation.split(separator: " ", maxSplits: 1)
            let post = parts[0] == "POST"
            let covered = examples.contains { Self.matches($0.path, template: String(parts[1])) && $0.sendsBody == post }
            #expect(covered, "docs/api.md has no curl example of \(operation)")
        }
    }

    @Test func templatesMatchOneSegment() {
        #expect(Self.matches("/v1/locations/WH/stock", template: "/v1/locations/{location}/stock"))
        #expect(!Self.matches("/v1/locations/WH/Stock/stock", template: "/v1/locations/{location}/stock"))
        #expect(Self.matches("/", template: "/"))
        #expect(!Self.matches("/v1/status", template: "/"))
    }
}

/// A snapshot provider that never makes one: only its presence matters to the route table.
private struct NoStoreSnapshots: StoreSnapshotProvider {
    struct Unavailable: Error {}
    func makeStoreSnapshot() async throws -> StoreSnapshotFile { throw Unavailable() }
    func discard(_ file: StoreSnapshotFile) {}
}
