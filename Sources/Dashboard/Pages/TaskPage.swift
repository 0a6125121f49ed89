import CompanionCore
import Foundation

/// One task: what was asked, by whom, when, in which session; while it runs its live progress; once it
/// ended the result card (answer, files, commands, tokens), the diff and the timeline picture.
struct TaskPage {
    struct Fact {
        var term: String
        var value: String
        /// Set for a time: the `<time datetime>` value.
        var iso: String?
    }

    struct FileRow {
        var marker: String
        var path: String
        var counts: String?
    }

    struct CommandRow {
        var text: String
        var code: String
        var failed: Bool
        var mark: String
        var output: String?
    }

    var id: Int64
    var project: String
    var sessionsHref: String?
    var prompt: String
    var status: String
    var facts: [Fact]
    var running: Bool
    var progress: [String]
    var hasProgress: Bool
    var ended: Bool
    var headline: String
    var reason: String?
    /// Already HTML (escaped by `MarkdownHTML`).
    var answerHTML: String?
    var noAnswer: Bool
    var files: [FileRow]
    var hasFiles: Bool
    var fileCount: Int
    var commands: [CommandRow]
    var hasCommands: Bool
    /// "2 failed", when any did.
    var failedText: String?
    var tokens: String?
    /// Already HTML (escaped by `DiffHTML`).
    var diffHTML: String?
    var diffCounts: String?
    /// Already SVG (escaped by `TimelineSVG`).
    var timelineSVG: String?
    var timelineCaption: String

    static let maxOutput = 20_000

    init(_ task: StoredTask, project: Project?, progress: ProgressState?, diff: String?, format: PageFormat) {
        let repoPath = project?.repoPath
        id = task.id
        self.project = task.project
        sessionsHref = project.map { "/projects/\(PageFormat.pathSegment($0.name))/sessions" }
        prompt = task.prompt
        status = PageFormat.status(task.status)
        running = task.status == .running
        ended = task.status.hasEnded
        let duration = (task.endedAt ?? (task.status == .running ? format.now : task.startedAt)).timeIntervalSince(task.startedAt)
        facts = Self.facts(task, duration: duration, format: format)
        self.progress = running ? progress.map { $0.render(now: format.now).plain.components(separatedBy: "\n") } ?? [] : []
        hasProgress = !self.progress.isEmpty
        headline = "\(ReportText.headline(task.status)) · \(task.project) · \(format.duration(duration))"
        reason = task.status == .done ? nil : task.stopReason.map(StopReasonText.explain) ?? task.failureReason
        let answer = task.finalMessage?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        answerHTML = answer.isEmpty ? nil : MarkdownHTML.html(from: answer)
        noAnswer = answer.isEmpty && task.status == .done
        files = task.filesChanged.map { change in
            FileRow(
                marker: change.marker, path: PageFormat.relative(change.path, to: repoPath),
                counts: task.lineCounts[change.path].map { "+\($0.added) −\($0.removed)" })
        }
        hasFiles = !files.isEmpty
        fileCount = files.count
        commands = task.commands.map { command in
            let output = command.aggregatedOutput
            return CommandRow(
                text: CommandText.display(command.command), code: command.exitCode.map { "exit \($0)" } ?? command.status.rawValue,
                failed: command.failed, mark: command.failed ? "✗" : "✓",
                output: output.isEmpty ? nil : output.count > Self.maxOutput ? "…" + String(output.suffix(Self.maxOutput)) : output)
        }
        hasCommands = !commands.isEmpty
        let failed = task.commands.filter(\.failed).count
        failedText = failed > 0 ? "\(failed) failed" : nil
        tokens = task.turnUsage.map {
            "\(PageFormat.grouped($0.inputTokens)) in (\(PageFormat.grouped($0.cachedInputTokens)) cached) · "
                + "\(PageFormat.grouped($0.outputTokens)) out"
        }
        if let diff, !diff.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            diffHTML = DiffHTML.html(from: diff)
            let counts = DiffHTML.counts(diff)
            diffCounts = "+\(counts.added) −\(counts.removed)"
        }
        let timeline = TimelineSVG(
            commands: task.commands, files: task.filesChanged, lineCounts: task.lineCounts, repoPath: repoPath, duration: duration)
        timelineSVG = timeline.isEmpty ? nil : timeline.svg()
        timelineCaption = TimelineSVG.caption
        if let session = task.session {
            let report = task.report(project: project ?? Project(name: task.project, repoPath: ""))
            facts.append(Fact(term: "Session", value: ended ? SessionText.card(report) : SessionText.starting(session)))
        }
    }

    private static func facts(_ task: StoredTask, duration: TimeInterval, format: PageFormat) -> [Fact] {
        func time(_ term: String, _ date: Date) -> Fact {
            Fact(term: term, value: "\(format.time(date)) (\(format.ago(date)))", iso: format.iso(date))
        }
        var facts = [Fact(term: "Requested by", value: PageFormat.requester(task.requester))]
        facts.append(Fact(term: "Mode", value: task.mode == .new ? "new session" : "continue the latest session"))
        if task.status == .queued {
            facts.append(time("Asked", task.startedAt))
        } else {
            facts.append(time("Started", task.startedAt))
            if let endedAt = task.endedAt { facts.append(time("Ended", endedAt)) }
            facts.append(Fact(term: task.status == .running ? "Running for" : "Duration", value: format.duration(duration)))
        }
        facts.append(Fact(term: "Session id", value: task.threadID ?? "none yet"))
        return facts
    }
}
