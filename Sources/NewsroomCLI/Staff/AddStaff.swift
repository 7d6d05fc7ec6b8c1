import ArgumentParser
import NewsroomDomain

struct AddStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a member of staff: creates their database login and records it.",
        discussion: "Needs a chief editor, or the administrator (the account that set the database up).")

    @Argument(help: "Login name: lowercase letters, digits and _, e.g. yudono_yanuar.") var login: String
    @Option(help: "reporter, editor or chief.") var role: StaffRole
    @Option(help: "Full name as it appears on bylines, e.g. \"Yudono Yanuar\".") var name: String?
    @Option(help: "Password for the login (not needed on the local database, which trusts local users). A chief can give one to a new login only; the administrator to any.") var password: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let commandID = try write.resolvedCommandID()
            let displayName = try checkedText(name, flag: "--name") ?? login
            let result = try await withNewsroom(connection) { newsroom in
                try await newsroom.addStaff(login: login, displayName: displayName, role: role, password: password, commandID: commandID)
            }
            if connection.json {
                printJSON(["login": login, "role": role.rawValue, "name": displayName, "changed": !result.events.isEmpty])
            } else {
                printText(result.events.isEmpty ? "\(login) is already on the staff as \(role.rawValue)" : "added \(displayName) (\(login)) as \(role.rawValue)")
            }
        }
    }
}

extension StaffRole: ExpressibleByArgument {
    public init?(argument: String) {
        guard let role = StaffRole(rawValue: argument.lowercased()), role != .administrator else { return nil }
        self = role
    }
    public static var allValueStrings: [String] { ["reporter", "editor", "chief"] }
}
