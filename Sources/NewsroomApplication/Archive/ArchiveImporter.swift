import Crypto
import Foundation
import NewsroomDomain
import NewsroomEventStore
import NewsroomProjections

/// A line of an archive that cannot be imported; nothing was imported.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String {
        line > 0 ? "line \(line): \(message) Nothing was imported; fix the line and import the whole file again."
                 : "\(message) Nothing was imported."
    }
}

public struct ArchiveImportReport: Sendable {
    public var articles: Int
    public var articleEvents: Int
    public var slugsReserved: Int
    public var seconds: Double
    /// How long the read models took to catch up afterwards; nil when that was left to others.
    public var readModelsSeconds: Double?
}

/// Brings a newsroom's archive of article histories into the log in one transaction, with the
/// authors and instants the events had (the path for migrating from another system; the format
/// is `ArticleArchive`'s). Each event is read with the domain's own decoder, so the projections
/// can fold whatever was accepted; the slugs the articles take are reserved through
/// `SlugDecider`, so they stay unique across the archive and against the log.
public struct ArchiveImporter: Sendable {
    public let store: EventStore

    public init(store: EventStore) { self.store = store }

    public static let maximumLineBytes = 16 << 20

    /// Where the next line ends. `memchr` looks at many bytes per step; a byte-at-a-time search
    /// was 4% of an import's client time.
    static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard start < buffer.count, let base = buffer.baseAddress,
                  let found = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Imports the archive at `path`; with `catchingUp`, also brings the read models up to date
    /// before returning, so what was imported is listed and served at once.
    public func importArchive(atPath path: String, commandID: UUID, catchingUp: Bool = false) async throws -> ArchiveImportReport {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw ArchiveError(line: 0, message: "Cannot open \(path) for reading: check the path and its permissions.")
        }
        defer { try? file.close() }
        return try await importArchive(from: file, named: path, commandID: commandID, catchingUp: catchingUp)
    }

    /// Imports the archive read from `file` to its end, in one pass (so a pipe will do:
    /// `newsroom export | newsroom import archive -`); `name` is how messages call it.
    public func importArchive(from file: FileHandle, named name: String, commandID: UUID, catchingUp: Bool = false) async throws -> ArchiveImportReport {
        let started = Date()
        var validator = ArchiveValidator(importID: commandID)
        _ = try await store.importHistory(commandID: commandID) { writer in
            var digest = SHA256()
            var pending: [UInt8] = []
            var lineNumber = 0
            func consume(_ line: ArraySlice<UInt8>) async throws {
                lineNumber += 1
                var line = line
                if line.last == 0x0D { line = line.dropLast() }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                for event in try validator.events(fromLine: line, number: lineNumber) { try await writer.append(event) }
            }
            while true {
                let chunk = try file.read(upToCount: 1 << 20) ?? Data()
                if chunk.isEmpty { break }
                digest.update(data: chunk)
                pending += chunk
                var start = pending.startIndex
                while let newline = Self.newline(in: pending, from: start) {
                    try await consume(pending[start..<newline])
                    start = newline + 1
                }
                pending.removeSubrange(..<start)
                if pending.count > Self.maximumLineBytes {
                    throw ArchiveError(line: lineNumber + 1, message: "the line is longer than \(Self.maximumLineBytes >> 20) MB.")
                }
            }
            if !pending.isEmpty { try await consume(pending[...]) }
            guard validator.articleEvents > 0 else {
                throw ArchiveError(line: 0, message: "\(name) holds no events (an archive has one JSON object per line).")
            }
            return "archive-sha256:" + digest.finalize().map { String(format: "%02x", $0) }.joined()
        }
        var report = ArchiveImportReport(articles: validator.versions.count, articleEvents: validator.articleEvents,
                                         slugsReserved: validator.slugs.count, seconds: Date().timeIntervalSince(started))
        if catchingUp {
            let caughtUp = Date()
            try await ProjectionRunner(client: store.client).catchUpAll(afterBulkAppendOf: validator.articleEvents)
            report.readModelsSeconds = Date().timeIntervalSince(caughtUp)
        }
        return report
    }
}

/// Checks archive lines one by one and turns each into the events the log receives.
struct ArchiveValidator {
    let importID: UUID
    let importMetadata: CanonicalJSON
    /// How many events each article has so far.
    var versions: [ArticleID: Int] = [:]
    /// Which article holds each slug reserved so far.
    var slugs: [String: SlugDecider.Reservation] = [:]
    var articleEvents = 0

    init(importID: UUID) {
        self.importID = importID
        importMetadata = CanonicalJSON(.object([.init("commandID", .string(importID.uuidString)), .init("correlationID", .string(importID.uuidString))]))
    }

    mutating func events(fromLine line: ArraySlice<UInt8>, number: Int) throws(ArchiveError) -> [ImportedEvent] {
        func failure(_ message: String) -> ArchiveError { ArchiveError(line: number, message: message) }
        let value: JSONBValue
        do {
            value = try line.withUnsafeBufferPointer { (bytes) throws(JSONBParseError) -> JSONBValue in try JSONB.parse(bytes) }
        } catch {
            throw failure("the line is not valid JSON: \(error).")
        }
        guard case .object = value else { throw failure("each line must be one JSON object (an event).") }
        let line = ArticleArchive.Line(value)

        guard let stream = line.stream else { throw failure("\"stream\" is missing; it names the article, as article-<uuid>.") }
        guard stream.hasPrefix("article-"), let uuid = UUID(hexText: stream.dropFirst(8)), "article-\(uuid.lowercasedText)" == stream else {
            throw failure("\"stream\": \"\(stream.prefix(80))\" is not an article stream (article-<uuid>, lower case). An archive holds article histories; slugs are reserved by the import itself.")
        }
        let id = ArticleID(uuid)
        guard let type = line.type else { throw failure("\"type\" is missing (for example ArticleDrafted).") }
        let schemaVersion: Int
        switch line.schemaVersion {
        case .absent: schemaVersion = ArticleEvent.schemaVersion(of: type)
        case .value(let version): schemaVersion = version
        case .invalid: throw failure("\"schemaVersion\" must be a whole number.")
        }
        guard let actor = line.actor, !actor.isEmpty, actor.utf8.count <= 256, !actor.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw failure("\"actor\" must name who did it (a login, 1 to 256 characters, no control characters).")
        }
        guard let recordedText = line.recordedAt else { throw failure("\"recordedAt\" is missing: when it happened, like 2023-09-14T08:00:00Z.") }
        guard let recordedAt = LogTimestamp(iso8601: recordedText) else {
            throw failure("\"recordedAt\": \"\(recordedText.prefix(40))\" is not an ISO 8601 instant like 2023-09-14T08:00:00.123456Z (Z or an offset such as +07:00, at most six fraction digits).")
        }
        guard let payloadValue = line.payload, case .object = payloadValue else { throw failure("\"payload\" must be a JSON object.") }
        let eventID: UUID
        switch line.eventID {
        case .absent: eventID = UUID.timeOrdered()
        case .value(let id): eventID = id
        case .invalid: throw failure("\"eventId\" must be a UUID.")
        }
        var metadata = importMetadata
        var commandID = importID
        if let given = line.metadata {
            guard let text = given["commandID"]?.stringValue, let id = UUID(hexText: Substring(text)) else {
                throw failure("\"metadata\" must be an object with a \"commandID\" UUID (or be left out).")
            }
            metadata = CanonicalJSON(given)
            commandID = id
        }

        let payload = CanonicalJSON(payloadValue)
        let payloadText = payload.text
        let event: ArticleEvent
        do {
            event = try ArticleEvent.decode(typeName: type, schemaVersion: schemaVersion, payload: payloadText,
                                            using: ParsedPayloadDecoder(value: payloadValue, text: payloadText))
        } catch {
            // JSONDecoder's wording of what is wrong is the one a person can act on.
            do {
                event = try ArticleEvent.decode(typeName: type, schemaVersion: schemaVersion, payload: payloadText)
            } catch {
                throw failure("\(type.prefix(60)) v\(schemaVersion) cannot be read: \(error).")
            }
        }
        let version = (versions[id] ?? 0) + 1
        switch line.version {
        case .absent: break
        case .value(let expected) where expected == version: break
        case .value(let expected):
            throw failure("\"version\" is \(expected) but this is event \(version) of \(stream) in the file; each article's events must come in order, without gaps.")
        case .invalid: throw failure("\"version\" must be a whole number.")
        }
        var claimed: String?
        switch event {
        case .drafted(let drafted):
            guard version == 1 else { throw failure("\(stream) is drafted a second time (event \(version)).") }
            guard drafted.articleID == id else { throw failure("the draft's articleID \(drafted.articleID) is not the stream's article \(id).") }
            claimed = drafted.slug
        case .slugChanged(let change):
            claimed = change.to
        default:
            guard version > 1 else { throw failure("\(stream) starts with \(type); an article's history starts with ArticleDrafted.") }
        }
        versions[id] = version
        articleEvents += 1

        var events = [ImportedEvent(streamID: StreamID(stream), streamType: "article", eventID: eventID, type: type, schemaVersion: schemaVersion,
                                    payload: payload, metadata: metadata, commandID: commandID, actor: actor, recordedAt: recordedAt,
                                    setsArticleBody: SupersededBodies.setsBody(type: type, payload: payloadValue))]
        if let slug = claimed {
            let reservation = slugs[slug] ?? SlugDecider.initialState
            let reserved: [SlugDecider.Event]
            do {
                reserved = try SlugDecider.decide(.reserve(for: id), state: reservation, context: slug)
            } catch {
                throw failure("\(stream) takes the slug \"\(slug)\": \(error.message)")
            }
            for reservation in reserved {
                slugs[slug] = SlugDecider.evolve(slugs[slug] ?? SlugDecider.initialState, reservation)
                let payload: JSONBValue
                do {
                    payload = try JSONB.parse(try reservation.encodedPayload())
                } catch {
                    throw failure("the reservation of the slug \"\(slug)\" could not be written: \(error).")
                }
                events.append(ImportedEvent(streamID: StreamID("slug-\(slug)"), streamType: "slug", eventID: UUID.timeOrdered(), type: reservation.typeName,
                                            schemaVersion: SlugDecider.Event.schemaVersion(of: reservation.typeName), payload: CanonicalJSON(payload),
                                            metadata: metadata, commandID: commandID, actor: actor, recordedAt: recordedAt, setsArticleBody: false))
            }
        }
        return events
    }
}
