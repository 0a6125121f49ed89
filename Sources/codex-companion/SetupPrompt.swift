import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `init`'s questions on the terminal. A question is written without a newline and the answer read
/// off the cooperative pool (a person takes their time). The token is read with echo off, and echo is
/// restored even when the user presses Ctrl-C at that prompt, so the shell is not left blind.
enum SetupPrompt {
    /// True when a person can answer: stdin is a terminal. Without one `init` runs from its flags alone.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// Writes `question` and returns the answer, trimmed; nil at end of input.
    static func ask(_ question: String) async -> String? {
        FileHandle.standardOutput.write(Data(question.utf8))
        return await readLine()?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A yes/no question; an empty answer (or end of input) is `defaultAnswer`.
    static func confirm(_ question: String, default defaultAnswer: Bool) async -> Bool {
        let hint = defaultAnswer ? "[Y/n]" : "[y/N]"
        guard let answer = await ask("\(question) \(hint) ")?.lowercased(), !answer.isEmpty else { return defaultAnswer }
        return answer == "y" || answer == "yes"
    }

    /// Asks for a secret: echo is turned off before the question appears (dropping anything typed ahead,
    /// as `getpass` does) and back on after the answer. Without a terminal it is a plain read.
    static func askHidden(_ question: String) async -> String? {
        guard isInteractive, tcgetattr(STDIN_FILENO, &savedTerminal) == 0 else { return await ask(question) }
        var silent = savedTerminal
        silent.c_lflag &= ~tcflag_t(ECHO)
        signal(SIGINT, restoreAndExit)
        signal(SIGTERM, restoreAndExit)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
            // The Enter the user typed was not echoed either.
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
        return await ask(question)
    }

    /// One line of stdin, without its newline; nil at end of input.
    private static func readLine() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Swift.readLine()) }
        }
    }
}

/// The terminal's settings before echo was turned off. A signal handler cannot capture context, so it
/// lives here; it is written once per hidden question, before the handlers that read it are installed.
nonisolated(unsafe) private var savedTerminal = termios()

/// Puts echo back and ends the process as the signal would have.
private func restoreAndExit(_ signalNumber: Int32) {
    tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
