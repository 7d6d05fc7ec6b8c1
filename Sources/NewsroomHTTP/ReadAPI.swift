import Foundation
import Hummingbird
import Logging
import NewsroomDomain
import NewsroomEventStore
import NewsroomProjections

/// The public read API: published articles as ninjs. Thin: parse the request, ask the read
/// models, format the answer.
public struct ReadAPI: Sendable {
    public let readModels: ReadModels
    public let metrics: APIMetrics
    /// How long a request may wait for the database before it is answered 503. With the server
    /// down, PostgresNIO's pool keeps a request waiting while it retries, for a minute.
    public let databaseDeadline: Duration

    public init(readModels: ReadModels, metrics: APIMetrics = APIMetrics(), databaseDeadline: Duration = .seconds(10)) {
        self.readModels = readModels
        self.metrics = metrics
        self.databaseDeadline = databaseDeadline
    }

    /// News changes by the minute: caches may serve a copy for a minute and keep serving it for ten
    /// while they fetch a fresh one.
    static let cacheControl = "public, max-age=60, stale-while-revalidate=600"

    /// Every route, in one place: the router registers these, and a test holds them against the
    /// OpenAPI document.
    public enum Route: String, CaseIterable, Sendable {
        case health = "/healthz"
        case articles = "/articles"
        case article = "/articles/{slug}"
        case related = "/articles/{slug}/related"
        case audit = "/audit"
        case metrics = "/metrics"
        case openAPI = "/openapi.json"

        var routerPath: String { String(rawValue.dropFirst()).replacingOccurrences(of: "{slug}", with: ":slug") }
    }

    /// What every route answers. HEAD is GET without the body (caches, link checkers and uptime
    /// monitors send it); the API changes nothing, so every other method is refused as such.
    static let allowedMethods = "GET, HEAD, OPTIONS"
    static let refusedMethods: [HTTPRequest.Method] = [.post, .put, .patch, .delete]

    public func router() -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        // Outermost first: the log and the metrics see the status the error middleware settled on.
        router.middlewares.add(RequestLogMiddleware())
        router.middlewares.add(RequestMetricsMiddleware(metrics: metrics))
        router.middlewares.add(ErrorMiddleware())
        for route in Route.allCases {
            let path = RouterPath(route.routerPath)
            router.get(path) { request, context in
                let slug = route.rawValue.contains("{slug}") ? try context.parameters.require("slug") : ""
                // Served from memory: no database, so no deadline to race (two tasks a request).
                if route == .article, let article = readModels.cachedPublished(slug: slug) { return respond(request, with: article) }
                let logger = context.logger
                switch route {
                // These answer within the deadline on their own, or ask no database.
                case .health: return await health()
                case .metrics: return await metricsText()
                case .openAPI: return Self.json(OpenAPIDocument.json, status: .ok)
                case .articles: return try await withDatabase { try await list(request) }
                case .article: return try await withDatabase { try await article(request, slug: slug) }
                case .related: return try await withDatabase { try await related(slug: slug) }
                case .audit: return try await withDatabase { try await audit(request, logger: logger) }
                }
            }
            router.on(path, method: .options) { _, _ in
                Response(status: .noContent, headers: [.allow: Self.allowedMethods])
            }
            for method in Self.refusedMethods {
                router.on(path, method: method) { _, _ -> Response in
                    throw APIError(.methodNotAllowed,
                                   "\(route.rawValue) is read-only: it answers \(Self.allowedMethods), not \(method.rawValue). Articles change through the newsroom command-line tool's commands.",
                                   headers: [.allow: Self.allowedMethods])
                }
            }
        }
        return router
    }

    public static var openAPIPaths: Set<String> { Set(OpenAPIDocument.paths.keys) }

    /// `body` within the database deadline, or 503 saying the database did not answer.
    func withDatabase(_ body: @escaping @Sendable () async throws -> Response) async throws -> Response {
        let deadline = databaseDeadline
        return try await Deadline.run(within: deadline, orThrow: APIError(.serviceUnavailable,
            "The database did not answer within \(deadline.components.seconds) s; try again shortly.", headers: [.retryAfter: "5"]), body)
    }

    /// A published article by slug. Slugs are lower case: one typed or pasted with capitals
    /// moves, like a former slug, to the article's current one.
    func lookup(_ slug: String) async throws -> ReadModels.SlugLookup {
        let found = try await readModels.published(slug: slug)
        guard case .notFound = found, slug != slug.lowercased() else { return found }
        switch try await readModels.published(slug: slug.lowercased()) {
        case .notFound: return .notFound
        case .moved(let current): return .moved(to: current)
        case .found(let article): return .moved(to: article.slug)
        }
    }

    func article(_ request: Request, slug: String) async throws -> Response {
        switch try await lookup(slug) {
        case .notFound:
            throw APIError(.notFound, "No published article has the slug \"\(slug.prefix(120))\".")
        case .moved(let current):
            return Response(status: .movedPermanently, headers: [.location: "/articles/\(current)", .cacheControl: Self.cacheControl])
        case .found(let article):
            return respond(request, with: article)
        }
    }

    func respond(_ request: Request, with article: ReadModels.PublishedArticle) -> Response {
        let references = article.referencesDigest.map { "-r" + $0.prefix(12) } ?? ""
        let etag = "\"\(article.articleID.uuidString.lowercased())-v\(article.version)\(references)\""
        var headers: HTTPFields = [.eTag: etag, .lastModified: HTTPDate.format(article.lastModified), .cacheControl: Self.cacheControl]
        // Weak comparison, as RFC 9110 asks of If-None-Match: a proxy that compresses the
        // document sends our tag back as W/"…".
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let tag = $0.trimmingCharacters(in: .whitespaces)
            return tag == "*" || (tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)) == etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        // The linked articles' changes have no time of their own here: such a document is
        // validated by its ETag only.
        if request.headers[.ifNoneMatch] == nil, article.referencesDigest == nil, let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse),
           Int(article.lastModified.timeIntervalSince1970) <= Int(since.timeIntervalSince1970) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: article.ninjs)))
    }

    func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = 20
        if let text = query["limit"] {
            guard let value = Int(text), (1...100).contains(value) else {
                throw APIError(.badRequest, "limit must be a whole number from 1 to 100, not \"\(text)\".")
            }
            limit = value
        }
        var cursor: (Date, UUID)?
        if let text = query["cursor"] {
            guard let decoded = Self.decodeCursor(String(text)) else {
                throw APIError(.badRequest, "cursor \"\(text)\" is not one this API handed out; start again without it.")
            }
            cursor = decoded
        }
        // A NUL cannot reach PostgreSQL as text: say so here, not as a database failure.
        let section = query["section"].map(String.init)
        if let section, section.utf8.contains(0) || section.count > Validate.maximumSectionLength {
            throw APIError(.badRequest, "section must be a section's name (up to \(Validate.maximumSectionLength) characters, no NUL) such as Internasional, not \"\(section.prefix(80))\".")
        }
        let language = query["language"].map(String.init)
        if let language, language.isEmpty || language.count > 35 || language.utf8.contains(0) {
            throw APIError(.badRequest, "language must be a BCP 47 tag such as id or en, not \"\(language.prefix(40))\".")
        }
        let articles = try await readModels.publishedList(section: section, language: language, limit: limit, after: cursor)
        var items: [Any] = []
        for article in articles { items.append(try JSONSerialization.jsonObject(with: Data(article.ninjs.utf8))) }
        var body: [String: Any] = ["items": items]
        if articles.count == limit, let last = articles.last { body["next"] = Self.encodeCursor(last.visibleFrom, last.articleID) }
        var response = Self.json(body, status: .ok)
        response.headers[.cacheControl] = Self.cacheControl
        return response
    }

    func related(slug: String) async throws -> Response {
        switch try await lookup(slug) {
        case .notFound:
            throw APIError(.notFound, "No published article has the slug \"\(slug.prefix(120))\".")
        case .moved(let current):
            return Response(status: .movedPermanently, headers: [.location: "/articles/\(current)/related"])
        case .found(let article):
            let document = (try JSONSerialization.jsonObject(with: Data(article.ninjs.utf8)) as? [String: Any]) ?? [:]
            let associations = (document["associations"] as? [[String: Any]]) ?? []
            var response = Self.json([
                "related": associations.filter { $0["rel"] as? String == "related" },
                "editorsPick": (associations.first { $0["rel"] as? String == "editorsPick" }).map { $0 as Any } ?? NSNull(),
            ], status: .ok)
            response.headers[.cacheControl] = Self.cacheControl
            return response
        }
    }

    /// The read models' lag, or a failure within half the database deadline: health and metrics
    /// answer "unavailable" rather than time out.
    func lagWithinDeadline() async throws -> ReadModels.Lag {
        let models = readModels
        return try await Deadline.run(within: databaseDeadline / 2, orThrow: APIError(.serviceUnavailable, "")) { try await models.lag() }
    }

    /// Prometheus text. Lag is measured at scrape time, so it is never older than the scrape.
    func metricsText() async -> Response {
        do {
            let lag = try await lagWithinDeadline()
            for model in lag.projections { metrics.recordLag(projection: model.projection, events: model.events, seconds: model.seconds) }
            metrics.recordFollowerRunning(lag.followerRunning)
            metrics.recordDatabaseReachable(true)
        } catch {
            metrics.recordDatabaseReachable(false)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }

    func health() async -> Response {
        do {
            let lag = try await lagWithinDeadline()
            return Self.json(["status": "ok", "database": "reachable", "follower": lag.followerRunning ? "running" : "not running",
                              "projections": lag.projections.map { ["name": $0.projection, "lagEvents": $0.events, "lagSeconds": $0.seconds] as [String: Any] }],
                             status: .ok)
        } catch {
            return Self.json(["status": "unavailable", "database": "unreachable"], status: .serviceUnavailable)
        }
    }

    // MARK: Formatting

    static func json(_ object: Any, status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encodeCursor(_ date: Date, _ id: UUID) -> String {
        Data("\(date.timeIntervalSince1970)|\(id.uuidString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ text: String) -> (Date, UUID)? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: "|")
        // A cursor comes back from the client, so it may be anything: "nan" or "1e300" are Doubles
        // too, and a time outside the range PostgresNIO can encode stopped the server.
        guard parts.count == 2, let seconds = Double(parts[0]), let id = UUID(uuidString: String(parts[1])),
              Instant.isRepresentable(Date(timeIntervalSince1970: seconds)) else { return nil }
        return (Date(timeIntervalSince1970: seconds), id)
    }
}

/// An error the client can act on: a status and a message, as JSON. Nothing else leaks.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var headers: HTTPFields
    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }
}

struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = ReadAPI.json(["error": error.message], status: error.status)
            response.headers.append(contentsOf: error.headers)
            return response
        } catch let error as HTTPError {
            return ReadAPI.json(["error": error.body ?? "\(error.status.reasonPhrase)"], status: error.status)
        } catch {
            // In the store's terms: PSQLError's own description hides everything, and these say
            // what the server answered without the query's parameters (a bearer secret among them).
            // A server that answered with an error of its own is up: a fault here, not an outage.
            let known = EventStoreError.from(error)
            context.logger.error("request failed", metadata: ["error": "\(known)"])
            let unavailable = (known as? EventStoreError)?.code == .databaseUnavailable
            return ReadAPI.json(["error": unavailable ? "The database is unavailable; try again shortly." : "Internal error."],
                                status: unavailable ? .serviceUnavailable : .internalServerError)
        }
    }
}
