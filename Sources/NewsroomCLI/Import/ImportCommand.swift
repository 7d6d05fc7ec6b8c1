import ArgumentParser

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring articles in from other systems, through the same commands an editor gives.",
        subcommands: [ImportTempo.self])
}
