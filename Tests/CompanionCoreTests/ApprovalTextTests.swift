import CompanionCore
import Foundation
import Testing

/// How an approval request reads on the phone: what is asked, where, why, for which task.
@Suite struct ApprovalTextTests {
    let task = QueuedTask(
        id: 9,
        request: TaskRequest(project: Project(name: "alpha", repoPath: "/code/alpha"), prompt: "tidy up", mode: .continue, requester: .cli))

    func pending(_ action: ApprovalRequest.Action, reason: String? = nil) -> PendingApproval {
        let asked = Date(timeIntervalSince1970: 1_800_000_000)
        return PendingApproval(
            id: ApprovalID(epoch: "e1", taskID: 9, sequence: 1), task: task,
            request: ApprovalRequest(turnID: "t", itemID: "i", action: action, reason: reason),
            askedAt: asked, expiresAt: asked.addingTimeInterval(300))
    }

    @Test func aFileChangeNamesTheFilesAndSumsUpTheDiff() {
        let changes = [
            FileChange(path: "/code/alpha/README.md", kind: .update), FileChange(path: "/code/alpha/notes.txt", kind: .add),
        ]
        let diff = "@@ -1 +1,2 @@\n # demo\n+Edited.\n--- a\n+++ b\n-old line\n+new line\n+another\n"
        let text = ApprovalText.request(pending(.fileChange(changes: changes, diff: diff))).plain
        #expect(text.contains("Change files:\n~ README.md\n+ notes.txt"), "\(text)")
        #expect(text.contains("+3 −1 lines"), "\(text)")
        #expect(text.contains("Task: \"tidy up\""))
        #expect(text.hasSuffix("Declined by itself if nobody answers within 5 min."))
        #expect(ApprovalText.waiting(pending(.fileChange(changes: changes, diff: nil))) == "change README.md, notes.txt")
        #expect(
            ApprovalText.auditDetail(pending(.fileChange(changes: changes, diff: nil)))
                == "change /code/alpha/README.md, /code/alpha/notes.txt")
    }

    @Test func aCommandOutsideTheRepositoryShowsItsDirectoryAndTheHTMLIsEscaped() {
        let request = pending(.command(command: "/bin/bash -lc 'cat <a> & b'", cwd: "/code/alpha/sub"), reason: "Needs <network>")
        let message = ApprovalText.request(request)
        #expect(message.plain.contains("Run:\ncat <a> & b"), "\(message.plain)")
        #expect(message.plain.contains("In: sub"))
        #expect(message.html.contains("<pre>cat &lt;a&gt; &amp; b</pre>"), "\(message.html)")
        #expect(message.html.contains("Needs &lt;network&gt;"))
        let concluded = ApprovalText.concluded(request, .decided(.decline, by: .timeout, at: request.expiresAt), timeZone: .gmt)
        #expect(concluded.plain.hasSuffix("⌛ Declined at 08:05: nobody answered in time."), "\(concluded.plain)")
        #expect(!concluded.plain.contains("Declined by itself"))
        #expect(!concluded.html.contains("Declined by itself"))
    }
}

/// What the buttons approve is what the person saw: nothing in a command hides.
@Suite struct ApprovalVisibilityTests {
    let task = QueuedTask(
        id: 9,
        request: TaskRequest(project: Project(name: "alpha", repoPath: "/code/alpha"), prompt: "tidy up", mode: .continue, requester: .cli))

    func pending(_ command: String) -> PendingApproval {
        let asked = Date(timeIntervalSince1970: 1_800_000_000)
        return PendingApproval(
            id: ApprovalID(epoch: "e1", taskID: 9, sequence: 2), task: task,
            request: ApprovalRequest(turnID: "t", itemID: "i", action: .command(command: command, cwd: nil), reason: nil),
            askedAt: asked, expiresAt: asked.addingTimeInterval(300))
    }

    @Test func paddingCannotPushTheEndOfACommandOutOfSight() {
        let command = "echo 'running the unit tests'" + String(repeating: " ", count: 640) + "; rm -f ~/.ssh/id_ed25519"
        let message = ApprovalText.request(pending(command))
        #expect(message.plain.contains("Run:\necho 'running the unit tests' ⟨640 spaces⟩ ; rm -f ~/.ssh/id_ed25519"), "\(message.plain)")
        #expect(message.html.contains("rm -f ~/.ssh/id_ed25519"))
        // Short once collapsed: shown whole, nothing attached.
        #expect(ApprovalText.attachment(pending(command)) == nil)
    }

    @Test func aLongCommandShowsItsStartAndItsEndAndTheWholeIsAttached() throws {
        let command = "echo " + String(repeating: "a", count: 900) + " && rm -rf build"
        let request = pending(command)
        let message = ApprovalText.request(request)
        #expect(message.plain.contains("Run:\necho aaaa"))
        #expect(message.plain.contains("characters left out⟩ …\n"), "\(message.plain)")
        #expect(message.plain.contains("a && rm -rf build\n"), "the end is shown: \(message.plain)")
        #expect(message.plain.contains("The whole command is attached"))
        let attachment = try #require(ApprovalText.attachment(request))
        #expect(attachment.fileName == "approval-task9-2.txt")
        #expect(attachment.contents.hasSuffix(command + "\n"))
        // Nothing is lost: shown start + left out + shown end = the whole.
        let visible = VisibleText(command)
        let (shown, leftOut) = visible.shortened(to: ApprovalText.commandLimit)
        #expect(leftOut > 0)
        #expect(shown.count < ApprovalText.commandLimit + 40)
        let parts = shown.components(separatedBy: "\n… ⟨\(leftOut) characters left out⟩ …\n")
        #expect(parts.count == 2)
        #expect(parts[0].count + leftOut + parts[1].count == visible.count)
        #expect(command.hasPrefix(parts[0]) && command.hasSuffix(parts[1]))
    }

    @Test func invisibleAndDirectionCharactersAreWrittenOut() {
        let command = "cat notes.txt \u{202E}txt.hs\u{202C} #\u{200B}\u{FEFF}\r\u{00A0}done\u{7F}"
        let text = ApprovalText.request(pending(command)).plain
        #expect(text.contains("cat notes.txt ⟨U+202E⟩txt.hs⟨U+202C⟩ #⟨U+200B⟩⟨U+FEFF⟩⟨U+000D⟩⟨U+00A0⟩done⟨U+007F⟩"), "\(text)")
        // Nothing invisible is left in the message at all.
        #expect(!text.unicodeScalars.contains { VisibleText.isHidden($0) })
    }

    @Test func manyBlankLinesAreCountedAndADiffKeepsItsIndentation() {
        let command = "echo start" + String(repeating: "\n", count: 80) + "rm -rf ."
        #expect(ApprovalText.request(pending(command)).plain.contains("echo start\n⟨80 line breaks⟩\nrm -rf ."))
        let diff = "@@ -1 +1 @@\n-\told\n+    new\u{202E}\n"
        #expect(VisibleText(diff, collapsingRuns: false).text == "@@ -1 +1 @@\n-\told\n+    new⟨U+202E⟩\n")
    }
}
