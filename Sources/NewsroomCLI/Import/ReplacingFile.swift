import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written beside its final path and moved into place only once it is complete, so that an
/// export that fails half way (the server goes away, the disk fills) leaves an earlier archive of
/// the same name as it was instead of a truncated one, and leaves no half-written file behind.
struct ReplacingFile {
    let path: String
    let handle: FileHandle
    private let partialPath: String

    /// - Parameter path: where the file ends up; a symbolic link there is followed, so the file it
    ///   points at is the one replaced.
    init(path: String) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("--output \(path) is a folder: give the path of a file to write.")
        }
        let folder = target.deletingLastPathComponent()
        let partial = folder.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw ValidationError("--output \(path): cannot create a file in \(folder.path) (check that the folder exists and that you may write to it).")
        }
        self.path = target.path
        self.handle = handle
        self.partialPath = partial
    }

    /// Flushes the file to disk and puts it in place of any file at `path`, in one rename.
    func commit() throws {
        try handle.synchronize()
        try handle.close()
        guard rename(partialPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partialPath)
            throw ValidationError("--output \(path): the archive was written but could not be put in place (\(reason)); nothing was replaced.")
        }
    }

    /// Removes what was written; a file already at `path` stays as it was.
    func discard() {
        try? handle.close()
        unlink(partialPath)
    }
}
