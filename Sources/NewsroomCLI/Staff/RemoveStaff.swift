import ArgumentParser

struct RemoveStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove someone from the staff: their login loses the right to append; their history stays.")

    @Argument(help: "The login.") var login: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let commandID = try write.resolvedCommandID()
            _ = try await withNewsroom(connection) { try await $0.removeStaff(login: login, commandID: commandID) }
            printText("removed \(login) from the staff")
        }
    }
}
