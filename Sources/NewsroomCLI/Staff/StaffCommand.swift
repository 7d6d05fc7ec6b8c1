import ArgumentParser

struct StaffCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Who works here: each member is a PostgreSQL login and an event in the log.",
        subcommands: [AddStaff.self, ListStaff.self, ChangeStaffRole.self, RemoveStaff.self])
}
