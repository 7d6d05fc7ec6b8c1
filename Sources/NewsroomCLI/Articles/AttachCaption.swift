import ArgumentParser

struct AttachCaption: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach-caption",
        abstract: "Give an image its caption and credit line (kept apart from the alt text).")

    @Argument(help: "The article's id or slug.") var article: String
    @Argument(help: "The image's media id (from attach-image or show).") var media: String
    @Option(help: "The caption readers see under the image.") var caption: String
    @Option(help: "Who made the image, e.g. \"Sputnik/Mikhail Metzel/Kremlin via REUTERS\".") var credit: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            try await runArticleCommand(article, .attachCaption(mediaID: media, caption: try checkedText(caption, flag: "--caption")!, credit: try checkedText(credit, flag: "--credit")!),
                                        connection: connection, commandID: try write.resolvedCommandID())
        }
    }
}
