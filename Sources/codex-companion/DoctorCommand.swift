import ArgumentParser
import CompanionApp
import CodexAdapter
import CompanionCore
import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check the config, the repositories, Codex and the state directory.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await CommandSupport.run {
            var problems = 0
            func report(_ ok: Bool, _ text: String) {
                Terminal.out("\(ok ? "✓" : "✗") \(text)")
                if !ok { problems += 1 }
            }
            let context: CompanionContext
            do {
                context = try CompanionContext.load(configPath: options.configPath, warn: Terminal.warn)
                report(true, "config \(context.config.sourcePath): \(context.config.projects.count) project(s)")
            } catch let error as UserFacingError {
                report(false, "config: \(error.description)")
                throw ExitCode(1)
            }
            for project in context.config.projects {
                let isGit = GitRepository.contains(project.repoPath)
                report(isGit, "\(project.name): \(project.repoPath)\(isGit ? " is a git repository" : " is not a git repository (run `git init` there)")")
            }
            if let binary = context.codexBinary {
                let version = await Self.codexVersion(binary)
                report(version != nil, "codex \(binary): \(version ?? "does not answer --version")")
            } else {
                report(false, CodexBinaryLocator.notFoundMessage(context.config.codex.binary ?? "codex on PATH"))
            }
            let writable = FileManager.default.isWritableFile(atPath: context.config.stateDirectory)
            report(writable, "state directory \(context.config.stateDirectory)\(writable ? " is writable" : " is not writable")")
            if problems > 0 { throw ExitCode(1) }
        }
    }

    static func codexVersion(_ binary: String) async -> String? {
        let result = try? await Subprocess.run(.path(FilePath(binary)), arguments: ["--version"], output: .string(limit: 4096))
        guard let result, result.terminationStatus.isSuccess else { return nil }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
