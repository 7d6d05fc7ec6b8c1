import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomProjections

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Build a point-in-time copy of a projection into its own schema: what it showed at that instant.")

    @Argument(help: ArgumentHelp("The projection: \(Projections.all.map(\.name).joined(separator: ", ")).", valueName: "name")) var name: String
    @Option(help: ArgumentHelp("The instant to stop at; a date alone is its start.", valueName: "time")) var until: String
    @Option(help: ArgumentHelp("The new schema to build it in.", valueName: "schema")) var into: String
    @Option(help: ArgumentHelp("IANA time zone for --until.", valueName: "zone")) var timezone = "Asia/Jakarta"
    @Option(help: ArgumentHelp("How long to wait for events that an older open transaction keeps unreadable, before giving up.", valueName: "seconds"))
    var wait: Double = 20
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard Projections.named(name) != nil else {
            throw ValidationError("There is no projection \"\(name)\". Projections: \(Projections.all.map(\.name).joined(separator: ", ")).")
        }
        guard ReadWait.allowedSeconds.contains(wait) else { throw ValidationError("--wait must be from 0 to 3600 seconds, not \(String(format: "%g", wait)).") }
        guard validSchemaName(into) else { throw ValidationError("--into \(into): \(schemaNameRule).") }
        if let owner = Projections.owner(ofSchema: into) {
            throw ValidationError("--into \(into): the \(owner.name) read model keeps its own copies under that name (live, being rebuilt, retired). Pick another name, e.g. \(owner.name)_then.")
        }
    }

    func run() async throws {
        try await guarded(json: connection.json) {
            let instant: Date
            do { instant = try TimeInput.parse(until, zone: timezone, dateAlone: true).instant } catch { throw ValidationError("\(error)") }
            let (projection, schema) = (Projections.named(name)!, into)
            let database = try await connection.open()
            let count = try await database.withClient { try await ProjectionRunner(client: $0).replay(projection, until: instant, into: schema, patience: ReadWait.duration(seconds: wait)) }
            printText("replayed \(projection.name) up to \(until) into schema \(schema) (\(count) events recorded by then)")
        }
    }
}
