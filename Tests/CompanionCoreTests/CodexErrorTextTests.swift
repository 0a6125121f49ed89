import CompanionCore
import Testing

@Suite struct CodexErrorTextTests {
    let badResume = """
        WARNING: proceeding, even though we could not create PATH aliases
        Error: thread/resume: thread/resume failed: no rollout found for thread id 0000 (code -32600)

        Stack backtrace:
           0: <unknown>
           1: <unknown>
        """

    @Test func keepsTheErrorLineAndDropsTheBacktrace() {
        #expect(
            CodexErrorText.errorLine(in: badResume)
                == "Error: thread/resume: thread/resume failed: no rollout found for thread id 0000 (code -32600)")
        let cleaned = CodexErrorText.withoutBacktrace(badResume)
        #expect(!cleaned.contains("Stack backtrace"))
        #expect(!cleaned.contains("<unknown>"))
        #expect(cleaned.contains("no rollout found"))
    }

    @Test func explainsTheErrorsAUserCanActOn() {
        #expect(CodexErrorText.explain(stderr: badResume)?.contains("no session with that id") == true)
        #expect(
            CodexErrorText.explain(stderr: "Not inside a trusted directory and --skip-git-repo-check was not specified.")?
                .contains("git repository") == true)
        #expect(CodexErrorText.explain(stderr: "Error: thread abc already has an active writer")?.contains("another Codex process") == true)
        #expect(CodexErrorText.explain(stderr: "Error: something new") == "Codex said: Error: something new")
        #expect(CodexErrorText.explain(stderr: "WARNING: only a warning\nReading additional input from stdin...") == nil)
    }

    /// Real failure texts from codex 0.147 (no network / never logged in; 401; 429): one line with what to do.
    @Test func modelFailuresSayWhatToDo() {
        let offline = "stream disconnected before completion: error sending request for url (https://api.openai.com/v1/responses)"
        #expect(CodexErrorText.explain(failure: offline).hasPrefix("Codex could not reach the model (no network, or never logged in)."))
        #expect(CodexErrorText.explain(failure: "unexpected status 401 Unauthorized: Missing bearer").contains("run `codex login`"))
        #expect(CodexErrorText.explain(failure: "exceeded retry limit, last status: 429 Too Many Requests").contains("rate limiting"))
        #expect(
            CodexErrorText.explain(failure: "We're currently experiencing high demand.")
                == "Codex said: We're currently experiencing high demand.")
    }

    @Test func commandsLoseTheirShellWrapper() {
        #expect(CommandText.display("/bin/bash -lc 'ls -1 && git status'") == "ls -1 && git status")
        #expect(CommandText.display(#"/bin/bash -lc 'echo '\''hi'\'''"#) == "echo 'hi'")
        #expect(CommandText.display("make test") == "make test")
    }
}
