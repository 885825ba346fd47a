// PluginFileTests: the loader looks at what is at a plugin path before dlopen: FIFOs, folders and missing files.
import Foundation
import RivuletTestSupport
import Testing

@testable import RivuletPlugins

@Suite struct PluginFileTests {
    /// Loads `path` on another thread and waits at most `deadline` seconds: `dlopen` of a FIFO blocks until
    /// a writer opens it, which would hang the whole test run. On timeout the FIFO is opened for writing
    /// (and closed) so the stuck load ends, and nil is returned.
    static func loadMessage(_ path: String, deadline: Double = 5) -> String? {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var message = ""
        Thread {
            do {
                _ = try PluginLoader().load(path: path)
                message = "loaded"
            } catch {
                message = "\(error)"
            }
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + deadline) == .timedOut else { return message }
        let writer = open(path, O_WRONLY | O_NONBLOCK)
        if writer >= 0 { close(writer) }
        _ = done.wait(timeout: .now() + deadline)
        return nil
    }

    @Test func aFIFOIsRefusedWithoutOpeningIt() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-plugin-fifo")
        #expect(mkfifo(folder + "/libpipe.so", 0o644) == 0)
        let message = Self.loadMessage(folder + "/libpipe.so")
        #expect(
            message == "plugin \(folder)/libpipe.so: is a FIFO (named pipe), not a shared library file: give the path of a lib<name>.so file",
            "loading a FIFO \(message == nil ? "hung" : "said: \(message!)")")
    }

    @Test func aFolderIsNamedAsSuch() {
        let folder = Fixtures.temporaryDirectory("rivulet-plugin-folder")
        #expect(Self.loadMessage(folder) == "plugin \(folder): is a folder, not a shared library file: give the path of a lib<name>.so file")
    }

    @Test func aCharacterDeviceIsNamedAsSuch() {
        #expect(
            Self.loadMessage("/dev/zero")
                == "plugin /dev/zero: is a character device, not a shared library file: give the path of a lib<name>.so file")
    }

    @Test func aMissingFileAndAnEmptyPath() {
        #expect(Self.loadMessage("/nonexistent/libx.so") == "plugin /nonexistent/libx.so: no such file")
        #expect(Self.loadMessage("") == "plugin : no such file")
    }

    @Test func anUnreadableFileIsNamedAsSuch() throws {
        // Root reads everything: then the file gets as far as dlopen, which refuses it as not ELF.
        let path = Fixtures.temporaryDirectory("rivulet-plugin-unreadable") + "/libsecret.so"
        Fixtures.write("not ELF", to: path)
        #expect(chmod(path, 0) == 0)
        let message = Self.loadMessage(path)
        if getuid() == 0 {
            #expect(message?.contains("not a loadable shared library") == true, "\(message ?? "hung")")
        } else {
            #expect(message == "plugin \(path): cannot be read (permission denied): check its permissions")
        }
    }

    @Test func anFFILibraryPathThatIsAFIFOIsRefused() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-ffi-fifo")
        #expect(mkfifo(folder + "/libm-pipe.so", 0o644) == 0)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var message = ""
        Thread {
            do {
                _ = try FFIFunction(library: folder + "/libm-pipe.so", symbol: "cos", arguments: [.f64], returns: .f64)
                message = "opened"
            } catch {
                message = "\(error)"
            }
            done.signal()
        }.start()
        if done.wait(timeout: .now() + 5) == .timedOut {
            let writer = open(folder + "/libm-pipe.so", O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            _ = done.wait(timeout: .now() + 5)
            Issue.record("opening an FFI library that is a FIFO hung")
            return
        }
        #expect(message.contains("cannot open library \(folder)/libm-pipe.so: is a FIFO (named pipe), not a shared library file"), "\(message)")
    }
}
