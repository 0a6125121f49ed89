import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The user service that keeps `codex-companion serve` running: a systemd user unit on Linux, a
/// launchd agent on macOS. Restarted on failure, but not forever: a start that keeps failing (a broken
/// config, a moved program) stops after a few tries instead of looping. Output is appended to serve.log
/// in the state directory.
public struct ServiceDefinition: Sendable, Equatable {
    public static let systemdName = "codex-companion.service"
    public static let launchdLabel = "com.codex-companion.serve"
    /// systemd gives up after this many starts within `startLimitSeconds`.
    public static let startLimitBurst = 5
    public static let startLimitSeconds = 300
    /// launchd has no such limit: it waits this long between starts instead.
    public static let launchdThrottleSeconds = 30

    public enum Kind: Sendable { case systemd, launchd }

    public var kind: Kind
    public var executable: String
    public var configPath: String
    public var stateDirectory: String
    /// PATH for the service, so it finds `codex` and `git` as the user's shell does.
    public var path: String
    public var home: String

    public init(
        kind: Kind, executable: String, configPath: String, stateDirectory: String, path: String,
        home: String = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    ) {
        self.kind = kind
        self.executable = executable
        self.configPath = configPath
        self.stateDirectory = stateDirectory
        self.path = path
        self.home = home
    }

    public static var currentKind: Kind {
        #if os(macOS)
        return .launchd
        #else
        return .systemd
        #endif
    }

    public var logPath: String { (stateDirectory as NSString).appendingPathComponent("serve.log") }

    /// Where the file goes.
    public var filePath: String {
        switch kind {
        case .systemd: return "\(home)/.config/systemd/user/\(Self.systemdName)"
        case .launchd: return "\(home)/Library/LaunchAgents/\(Self.launchdLabel).plist"
        }
    }

    public var fileContents: String {
        switch kind {
        case .systemd: return systemdUnit
        case .launchd: return launchdPlist
        }
    }

    /// The commands that load, unload and show the service, for this user.
    public func commands(uid: UInt32) -> (load: [[String]], unload: [[String]], status: [String]) {
        switch kind {
        case .systemd:
            return (
                [["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "--now", Self.systemdName]],
                [["systemctl", "--user", "disable", "--now", Self.systemdName], ["systemctl", "--user", "daemon-reload"]],
                ["systemctl", "--user", "status", "--no-pager", Self.systemdName]
            )
        case .launchd:
            return (
                [["launchctl", "bootstrap", "gui/\(uid)", filePath]],
                [["launchctl", "bootout", "gui/\(uid)/\(Self.launchdLabel)"]],
                ["launchctl", "print", "gui/\(uid)/\(Self.launchdLabel)"]
            )
        }
    }

    private var systemdUnit: String {
        """
        [Unit]
        Description=Codex Remote Companion
        After=network-online.target
        Wants=network-online.target
        StartLimitIntervalSec=\(Self.startLimitSeconds)
        StartLimitBurst=\(Self.startLimitBurst)

        [Service]
        ExecStart=\(Self.systemdQuote(executable)) serve --config \(Self.systemdQuote(configPath))
        Restart=on-failure
        RestartSec=5
        Environment=\(Self.systemdQuote("PATH=\(path)"))
        StandardOutput=append:\(logPath)
        StandardError=append:\(logPath)

        [Install]
        WantedBy=default.target

        """
    }

    private var launchdPlist: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
            <key>Label</key><string>\(Self.launchdLabel)</string>
            <key>ProgramArguments</key>
            <array>
                <string>\(Self.xml(executable))</string>
                <string>serve</string>
                <string>--config</string>
                <string>\(Self.xml(configPath))</string>
            </array>
            <key>EnvironmentVariables</key>
            <dict><key>PATH</key><string>\(Self.xml(path))</string></dict>
            <key>RunAtLoad</key><true/>
            <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
            <key>ThrottleInterval</key><integer>\(Self.launchdThrottleSeconds)</integer>
            <key>StandardOutPath</key><string>\(Self.xml(logPath))</string>
            <key>StandardErrorPath</key><string>\(Self.xml(logPath))</string>
        </dict>
        </plist>

        """
    }

    /// Why the service must not run the program at `executable` (a real path), or nil when it may. A
    /// service runs its program at every login, unsandboxed: not one inside a repository Codex writes to,
    /// nor one in a temporary folder that is cleaned up and that others can write to.
    public static func refusal(executable: String, repositories: [String], temporaryFolders: [String]) -> String? {
        let advice = "Install codex-companion in a folder of its own (e.g. ~/.local/bin) and run `service install` from there."
        for repository in repositories {
            for folder in Set([repository, realPath(repository)]) where executable.hasPrefix(folder + "/") {
                return "\(executable) is inside the project folder \(repository), which Codex writes to: "
                    + "a service must not run a program from there. " + advice
            }
        }
        for temporary in temporaryFolders {
            for folder in Set([temporary, realPath(temporary)]) where executable.hasPrefix(folder + "/") {
                return "\(executable) is in the temporary folder \(temporary), which is cleaned up and which others may "
                    + "write to: a service must not run a program from there. " + advice
            }
        }
        return nil
    }

    /// The temporary folders of this system: /tmp, /var/tmp and $TMPDIR.
    public static func temporaryFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders = ["/tmp", "/var/tmp"]
        if let tmpdir = environment["TMPDIR"], tmpdir.hasPrefix("/") {
            folders.append(tmpdir.count > 1 && tmpdir.hasSuffix("/") ? String(tmpdir.dropLast()) : tmpdir)
        }
        return folders
    }

    /// `path` with its symlinks resolved as the system does (macOS's /tmp is /private/tmp, which
    /// Foundation's own resolving hides), or `path` itself when it does not exist.
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func systemdQuote(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func xml(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
