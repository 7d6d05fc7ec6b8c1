import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomEventStore

struct ExportArchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every article's history as an archive (JSON lines) that `newsroom import archive` reads.",
        discussion: """
            The events come in log order with their ids, authors, instants to the microsecond, payloads and \
            metadata, so an import into another newsroom reproduces the same hash chain. Slug reservations are \
            left out: the import makes them again.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output (an existing file is replaced).", valueName: "file"))
    var output: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                    throw ValidationError("--output \(output): cannot create the file (check the folder and its permissions).")
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            let count = try await withNewsroom(connection, onOneEventLoop: false) { newsroom in
                try await ArchiveExporter(store: newsroom.store).export(to: handle)
            }
            if let output {
                try? handle.close()
                StandardOutput.error(Data("exported \(count) events to \(output)\n".utf8))
            }
        }
    }
}
