import CodexAdapter
import CompanionApp
import CompanionCore
import Foundation

/// Step 3 of `init`: which repositories the bot may touch, and their short names. Scripts name them
/// (`--project name=path`) or take every repository found (`--all`); a person picks from the list that
/// `RepositoryFinder` makes and keeps or changes the suggested names. Every name and path is checked
/// here, as the config loader will check them, so the config written at the end always loads.
struct RepositoryPicker {
    /// `--project` values, `name=path`.
    var explicit: [String]
    var searchRoot: String
    var pickAll: Bool
    var interactive: Bool
    var environment: UserEnvironment

    /// The `--project` entries checked, or nil when none were given. Called before any question, so a
    /// typo in a script fails at once rather than after pairing.
    func explicitProjects() throws -> [ConfigWriter.ProjectEntry]? {
        guard !explicit.isEmpty else { return nil }
        var namer = ProjectNamer()
        return try explicit.map { entry in
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw UserFacingError("--project \(entry): write it as name=path, e.g. --project web=~/code/website")
            }
            let name = String(entry[..<equals])
            if let problem = namer.problem(with: name) { throw UserFacingError("--project \(entry): \(problem).") }
            let path = absolute(String(entry[entry.index(after: equals)...]))
            guard GitRepository.contains(path) else {
                throw UserFacingError("--project \(entry): \(path) is not a git repository.")
            }
            namer.take(name)
            return ConfigWriter.ProjectEntry(name: name, path: path)
        }
    }

    /// The projects: the `--project` ones, else the repositories found under `searchRoot`, all of them
    /// or those the user picks.
    func pick() async throws -> [ConfigWriter.ProjectEntry] {
        if let projects = try explicitProjects() { return projects }
        var root = absolute(searchRoot)
        var found = RepositoryFinder().repositories(under: root)
        while found.isEmpty {
            let message = "No git repositories in \(root) or up to \(RepositoryFinder().maximumDepth) folders below it."
            guard interactive, let answer = await SetupPrompt.ask("\(message)\nFolder to search instead: "), !answer.isEmpty else {
                throw UserFacingError("\(message) Pass --search DIR, or --project name=path.")
            }
            root = absolute(answer)
            found = RepositoryFinder().repositories(under: root)
        }
        if pickAll { return named(found) }
        guard interactive else {
            throw UserFacingError("Found \(found.count) repositories in \(root): pass --all to take them all, or --project name=path.")
        }
        Terminal.out("Git repositories in \(root):")
        for (index, path) in found.enumerated() {
            Terminal.out(String(format: "%4d. ", index + 1) + path)
        }
        var chosen: [String]?
        while chosen == nil {
            guard let answer = await SetupPrompt.ask("Which may the bot work on? Numbers (e.g. 1 3 or 2-4) or \"all\" [all]: ") else {
                throw UserFacingError("No answer: nothing was written.")
            }
            chosen = Self.selection(answer, count: found.count).map { $0.map { found[$0] } }
            if chosen == nil { Terminal.out("Type numbers from the list (1 to \(found.count)), ranges like 2-4, or all.") }
        }
        var projects = named(chosen ?? [])
        Terminal.out("Names (what you type in Telegram, e.g. /project \(projects[0].name)):")
        for project in projects { Terminal.out("  \(project.name)  \(project.path)") }
        if await !SetupPrompt.confirm("Keep these names?", default: true) {
            projects = await askNames(for: projects)
        }
        return projects
    }

    /// Each repository with its suggested name, unique among them.
    private func named(_ paths: [String]) -> [ConfigWriter.ProjectEntry] {
        var namer = ProjectNamer()
        return paths.map { path in
            let name = namer.suggestion(for: path)
            namer.take(name)
            return ConfigWriter.ProjectEntry(name: name, path: path)
        }
    }

    /// Asks a name for each project; Enter keeps the suggestion, a name that cannot be used is asked again.
    private func askNames(for projects: [ConfigWriter.ProjectEntry]) async -> [ConfigWriter.ProjectEntry] {
        var namer = ProjectNamer()
        var named: [ConfigWriter.ProjectEntry] = []
        for project in projects {
            while true {
                let suggestion = namer.suggestion(for: project.path)
                let answer = await SetupPrompt.ask("Name for \(project.path) [\(suggestion)]: ") ?? ""
                let name = answer.isEmpty ? suggestion : answer
                if let problem = namer.problem(with: name) {
                    Terminal.out("  \(problem.prefix(1).uppercased() + problem.dropFirst()).")
                    continue
                }
                namer.take(name)
                named.append(ConfigWriter.ProjectEntry(name: name, path: project.path))
                break
            }
        }
        return named
    }

    /// The list indices (0-based, in list order) an answer picks: numbers and ranges separated by
    /// spaces or commas, or "all" (also an empty answer); nil when the answer is not that.
    static func selection(_ answer: String, count: Int) -> [Int]? {
        let words = answer.lowercased().split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if words.isEmpty || words == ["all"] || words == ["a"] { return Array(0..<count) }
        var picked: Set<Int> = []
        for word in words {
            let bounds = word.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil,
                1 <= low, low <= high, high <= count
            else { return nil }
            picked.formUnion((low - 1)...(high - 1))
        }
        return picked.sorted()
    }

    /// `path` with `~` expanded, made absolute against the current folder, symbolic links resolved.
    private func absolute(_ path: String) -> String {
        let expanded = environment.expandingTilde(path)
        let full = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        return URL(fileURLWithPath: full).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
