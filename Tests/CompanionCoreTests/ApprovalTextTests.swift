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
