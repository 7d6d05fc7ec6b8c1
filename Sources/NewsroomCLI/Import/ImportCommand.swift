import ArgumentParser

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring articles in from other systems: a Tempo.co page through the commands an editor gives, or a whole archive of histories.",
        subcommands: [ImportTempo.self, ImportArchive.self])
}
