import ArgumentParser

struct ListStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the staff and their roles.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let roster = try await withNewsroom(connection) { try await $0.roster() }
            let members = roster.members.values.sorted { ($0.role, $0.login) < ($1.role, $1.login) }
            if connection.json {
                printJSON(members.map { ["login": $0.login, "name": $0.displayName, "role": $0.role.rawValue] })
                return
            }
            if members.isEmpty { printText("no staff yet: add someone with `newsroom staff add LOGIN --role editor`") }
            for member in members {
                printText("\(member.login.padding(toLength: 20, withPad: " ", startingAt: 0)) \(member.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(member.displayName)")
            }
        }
    }
}
