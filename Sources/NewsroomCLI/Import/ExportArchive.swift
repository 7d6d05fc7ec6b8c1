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

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output. An existing file is replaced once the whole archive is written; if the export fails, it stays as it was.", valueName: "file"))
    var output: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            guard let output else {
                _ = try await export(to: FileHandle.standardOutput)
                return
            }
            let file = try ReplacingFile(path: output)
            for name in file.removedLeftovers {
                StandardOutput.error(Data("removed \(name): an export that was killed before it finished left it\n".utf8))
            }
            let count: Int
            do {
                count = try await export(to: file.handle)
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
            StandardOutput.error(Data("exported \(count) events to \(file.path)\n".utf8))
        }
    }

    private func export(to handle: FileHandle) async throws -> Int {
        try await withNewsroom(connection, onOneEventLoop: false) { newsroom in
            try await ArchiveExporter(store: newsroom.store).export(to: handle)
        }
    }
}
