import Foundation
import NewsroomApplication
import NewsroomEventStore
import NewsroomProjections

/// Read models, caught up first: what a command just did is visible to the next `list` or `audit`
/// even when no `projections run` is following the log.
func withReadModels<T: Sendable>(_ connection: ConnectionOptions, _ body: @Sendable (Newsroom, ReadModels) async throws -> T) async throws -> T {
    let database = try await connection.open()
    return try await database.withClient { client in
        try await ProjectionRunner(client: client).catchUpAll()
        return try await body(Newsroom(store: EventStore(client: client, logger: .quiet("newsroom"))), ReadModels(client: client))
    }
}

/// Left-aligned columns for terminal tables.
func table(_ header: [String], _ rows: [[String]], maxWidth: Int = 60) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in min(maxWidth, all.map { $0[column].count }.max() ?? 0) }
    return all.map { row in
        row.enumerated().map { index, cell in
            let clipped = cell.count > widths[index] ? String(cell.prefix(widths[index] - 1)) + "…" : cell
            return index == row.count - 1 ? clipped : clipped.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

/// RFC 4180: a field holding a comma, a quote or a line end is quoted. Scalars, not characters:
/// a Windows line end is one Character, "\r\n", which equals neither "\r" nor "\n".
func csv(_ header: [String], _ rows: [[String]]) -> String {
    func field(_ text: String) -> String {
        text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
}
