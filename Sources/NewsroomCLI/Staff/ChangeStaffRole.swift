import ArgumentParser
import NewsroomDomain

struct ChangeStaffRole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "Change a staff member's role.")

    @Argument(help: "The login.") var login: String
    @Argument(help: "reporter, editor or chief.") var role: StaffRole
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let commandID = try write.resolvedCommandID()
            let result = try await withNewsroom(connection) { try await $0.changeStaffRole(login: login, role: role, commandID: commandID) }
            printText(result.events.isEmpty ? "\(login) already is \(role.rawValue)" : "\(login) is now \(role.rawValue)")
        }
    }
}
