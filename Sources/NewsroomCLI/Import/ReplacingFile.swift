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
    /// Partial files of this path that earlier exports left when they were killed, removed here.
    let removedLeftovers: [String]
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
        let prefix = ".\(target.lastPathComponent).partial-"
        let partial = folder.appendingPathComponent(prefix + "\(getpid())").path
        removedLeftovers = Self.removeLeftovers(in: folder, prefix: prefix)
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw ValidationError("--output \(path): cannot create a file in \(folder.path) (check that the folder exists and that you may write to it).")
        }
        self.path = target.path
        self.handle = handle
        self.partialPath = partial
    }

    /// An export killed outright (SIGKILL, a power cut) cannot remove its partial file. One is a
    /// leftover when its process is gone and it has not been written for a minute; the minute
    /// spares an export still writing from another machine into a shared folder.
    private static func removeLeftovers(in folder: URL, prefix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            guard name.hasPrefix(prefix), let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { return false }
            guard kill(pid, 0) == -1, errno == ESRCH else { return false }
            let path = folder.appendingPathComponent(name).path
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  Date().timeIntervalSince(modified) > 60 else { return false }
            return unlink(path) == 0
        }
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
