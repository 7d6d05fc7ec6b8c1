import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomEventStore
import NewsroomProjections

/// Read models, caught up first: what a command just did is visible to the next `list` or `audit`
/// even when no `projections run` is following the log.
/// An older transaction anywhere in the cluster can keep the newest events unreadable for a
/// while; the answer waits for it up to NEWSROOM_READ_WAIT seconds (default 20), then is given
/// as it stands, with a note on standard error that it is behind.
func withReadModels<T: Sendable>(_ connection: ConnectionOptions, _ body: @Sendable (Newsroom, ReadModels) async throws -> T) async throws -> T {
    let patience = try ReadWait.fromEnvironment()
    let database = try await connection.open()
    return try await database.withClient { client in
        let unread = try await ProjectionRunner(client: client).catchUpAll(patience: patience)
        if unread > 0 {
            StandardOutput.error(Data("""
                newsroom: note: this answer leaves out \(unread) newer events. A transaction elsewhere in the PostgreSQL cluster \
                has been open for over \(ProjectionRunner.seconds(patience)) and keeps them unreadable; run this again once it ends \
                (pg_stat_activity shows it), or wait longer with NEWSROOM_READ_WAIT=SECONDS.

                """.utf8))
        }
        return try await body(Newsroom(store: EventStore(client: client, logger: .quiet("newsroom"))), ReadModels(client: client))
    }
}

/// How long a command waits for events an older open transaction keeps unreadable: `replay
/// --wait`, and NEWSROOM_READ_WAIT for the commands that read the read models.
enum ReadWait {
    static let allowedSeconds = 0.0...3600.0

    static func duration(seconds: Double) -> Duration { .milliseconds(Int64(seconds * 1000)) }

    static func fromEnvironment() throws -> Duration {
        guard let text = nonEmptyEnv("NEWSROOM_READ_WAIT") else { return ProjectionRunner.readYourWritesPatience }
        guard let seconds = Double(text), allowedSeconds.contains(seconds) else {
            throw ValidationError("NEWSROOM_READ_WAIT=\(text): give seconds from 0 to 3600 (default 20).")
        }
        return duration(seconds: seconds)
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
///
/// CSV is what a desk opens in a spreadsheet, and a spreadsheet runs a cell that starts with
/// `=`, `+`, `-` or `@` as a formula: a reporter's headline `=HYPERLINK("https://…")` would become
/// a live link, or worse, on the chief's machine. Such a cell gets a leading `'` (OWASP's advice),
/// which spreadsheets take as "text" and hide; a plain number such as `-3` is left alone.
/// `--format json` keeps every text exactly.
func csv(_ header: [String], _ rows: [[String]]) -> String {
    func inert(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil else { return text }
        return "'" + text
    }
    func field(_ text: String) -> String {
        text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    return ([header] + rows).map { $0.map { field(inert($0)) }.joined(separator: ",") }.joined(separator: "\n")
}
