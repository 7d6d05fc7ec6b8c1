import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain

struct AttachImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach-image",
        abstract: "Attach an image; prints its media id for attach-caption.")

    @Argument(help: "The article's id or slug.") var article: String
    @Option(help: "The image's http(s) address.") var url: String
    @Option(help: "Alt text describing the image for readers who cannot see it.") var alt: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let commandID = try write.resolvedCommandID()
            // Derived from the command id, so a retried command names the same image.
            let mediaID = "img-" + commandID.uuidString.lowercased().prefix(8)
            try await runArticleCommand(article, .attachImage(mediaID: mediaID, url: url, altText: try checkedText(alt, flag: "--alt")!),
                                        connection: connection, commandID: commandID)
            if !connection.json { printText("media id \(mediaID)") }
        }
    }
}
