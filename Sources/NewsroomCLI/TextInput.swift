import ArgumentParser
import Foundation

/// Rejects text that arrived as invalid UTF-8 (Swift repairs it to U+FFFD) instead of storing it garbled.
func checkedText(_ value: String?, flag: String) throws -> String? {
    guard let value else { return nil }
    if value.unicodeScalars.contains("\u{FFFD}") {
        throw ValidationError("\(flag) is not valid UTF-8 text. Re-save it as UTF-8 and try again.")
    }
    return value
}

/// A UTF-8 text file a person names: a path, or `-` for standard input, so that a body can come
/// from another tool (`pandoc story.docx -t plain | newsroom draft ... --body-file -`).
func readTextFile(_ path: String, flag: String) throws -> String {
    let data = try InputFile.read(path, flag: flag)
    guard let text = String(data: data, encoding: .utf8) else {
        if path == "-" {
            throw ValidationError("\(flag) -: standard input is not valid UTF-8. Convert it on the way, e.g. `... | iconv -f WINDOWS-1252 -t UTF-8 | newsroom ...`.")
        }
        throw ValidationError("\(flag) \(path) is not valid UTF-8. Convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 \(path) > fixed.txt`.")
    }
    return text
}

enum InputFile {
    /// Far above any text newsroom stores (a body is at most 500,000 characters, 2 MB of UTF-8),
    /// so that a wrong path such as a disk image is refused before it fills the memory.
    static let maximumBytes = 64 << 20

    /// Opens what a person named for reading: `-` is standard input. Says why a path cannot be
    /// read in words a person can act on, not as a Foundation error code.
    static func open(_ path: String, flag: String) throws -> FileHandle {
        if path == "-" {
            if isatty(STDIN_FILENO) == 1 {
                StandardOutput.error(Data("newsroom: reading \(flag) from the terminal; end it with Ctrl-D on a line of its own.\n".utf8))
            }
            return .standardInput
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            let folder = path.hasPrefix("/") ? "" : " in \(FileManager.default.currentDirectoryPath)"
            throw ValidationError("\(flag) \(path): there is no such file\(folder). Check the name, or give - to read standard input.")
        }
        if isFolder.boolValue {
            throw ValidationError("\(flag) \(path) is a folder. Name a file in it.")
        }
        guard let opened = FileHandle(forReadingAtPath: path) else {
            throw ValidationError("\(flag) \(path): you may not read this file (permission denied). Copy it somewhere you can read, or ask its owner.")
        }
        return opened
    }

    /// Reads with plain reads, not `Data(contentsOf:)`, which fails on a pipe or `/dev/stdin`
    /// with "You don't have permission".
    static func read(_ path: String, flag: String) throws -> Data {
        let handle = try open(path, flag: flag)
        defer { if path != "-" { try? handle.close() } }
        var data = Data()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                data.append(chunk)
                if data.count > maximumBytes {
                    throw ValidationError("\(flag) \(path == "-" ? "(standard input)" : path) is over \(maximumBytes >> 20) MB, far more than any text newsroom keeps (a body is at most 500,000 characters). Check that it is the right file.")
                }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(flag) \(path): reading it failed (\(error.localizedDescription)).")
        }
        return data
    }
}
