import HTTPTypes
import Hummingbird

extension Response {
    /// A JSON response written by ``JSONWriter``.
    ///
    /// - Parameters:
    ///   - value: The DTO to write.
    ///   - etag: The snapshot's entity tag, for answers read from a snapshot.
    ///   - capacity: The initial buffer size (a guess; the buffer grows as needed).
    static func json(_ value: some JSONWritable, etag: EntityTag? = nil, capacity: Int = 512) -> Response {
        // One literal, so the fields are reserved once (setting them one by one reallocates).
        let headers: HTTPFields =
            if let etag { [.contentType: MediaTypes.json, .eTag: etag.value, .cacheControl: "no-cache"] } else { [.contentType: MediaTypes.json] }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: value.jsonBuffer(capacity: capacity)))
    }

    /// `304 Not Modified` for a client whose copy is current.
    static func notModified(_ etag: EntityTag) -> Response {
        Response(status: .notModified, headers: [.eTag: etag.value, .cacheControl: "no-cache"])
    }
}
