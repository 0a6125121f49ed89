/// Makes Codex's command strings readable: it wraps each one as `/bin/bash -lc '…'`.
public enum CommandText {
    public static func display(_ command: String) -> String {
        for shell in ["/bin/bash -lc ", "/bin/zsh -lc ", "bash -lc ", "/bin/sh -c ", "zsh -lc "] where command.hasPrefix(shell) {
            var inner = String(command.dropFirst(shell.count))
            if inner.count >= 2, inner.first == "'", inner.last == "'" {
                inner = String(inner.dropFirst().dropLast()).replacingOccurrences(of: #"'\''"#, with: "'")
            } else if inner.count >= 2, inner.first == "\"", inner.last == "\"" {
                inner = String(inner.dropFirst().dropLast())
            }
            return inner
        }
        return command
    }
}
