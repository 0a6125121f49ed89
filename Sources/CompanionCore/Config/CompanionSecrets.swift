import Foundation

/// The companion's own secrets, named in one place: the environment variables they come from, which no
/// Codex child inherits, and their values, which are never stored or shown even when Codex prints them
/// (Codex can still read a key file, and the model can repeat what it read).
public struct CompanionSecrets: Sendable, Equatable {
    /// The variable the bot token may come from.
    public static let botTokenVariable = "TELEGRAM_BOT_TOKEN"
    /// What a secret value is replaced with.
    public static let placeholder = "[redacted]"
    /// Shorter values are not replaced: a value of a few characters would garble ordinary text, and a
    /// real token or API key is far longer.
    public static let minimumLength = 8

    /// The environment variables that hold a secret: always the bot token's, and whatever the config names.
    public let variableNames: Set<String>
    /// The secret values known to this process, longest first (a value containing another is replaced whole).
    public let values: [String]

    /// Only the bot token's variable, and no value: what a child gets when nothing else is known.
    public static let none = CompanionSecrets(variableNames: [], values: [])

    public init(variableNames: Set<String>, values: [String]) {
        self.variableNames = variableNames.union([Self.botTokenVariable])
        let usable = Set(values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }).filter { $0.count >= Self.minimumLength }
        self.values = usable.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// The secrets of a config: the bot token (from `TELEGRAM_BOT_TOKEN` or `telegram.bot_token_file`) and
    /// the transcription key (from `transcription.api_key_env` or `api_key_file`). `readFile` returns a
    /// file's text, or nil when it cannot be read (the caller does the I/O; nothing here touches the disk).
    public static func of(
        _ config: CompanionConfig, environment: [String: String], readFile: (String) -> String?
    ) -> CompanionSecrets {
        var names: Set<String> = [botTokenVariable]
        var files: [String] = []
        if let file = config.telegram?.botTokenFile { files.append(file) }
        if let transcription = config.transcription {
            if let name = transcription.apiKeyEnv { names.insert(name) }
            if let file = transcription.apiKeyFile { files.append(file) }
        }
        let values = names.compactMap { environment[$0] } + files.compactMap(readFile)
        return CompanionSecrets(variableNames: names, values: values)
    }

    /// `environment` without the secret variables: what a Codex child may see.
    public func childEnvironment(_ environment: [String: String]) -> [String: String] {
        environment.filter { !variableNames.contains($0.key) }
    }

    /// `text` with every known secret value replaced by the placeholder.
    public func redact(_ text: String) -> String {
        guard !values.isEmpty, !text.isEmpty else { return text }
        var result = text
        for value in values where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: Self.placeholder)
        }
        return result
    }

    /// The length of the longest end of `text` that could be the start of a secret still being written:
    /// text streamed in pieces holds that much back until the next piece shows what it is.
    func pendingSuffixLength(of text: String) -> Int {
        var longest = 0
        for value in values {
            let limit = min(value.count - 1, text.count)
            guard limit > longest else { continue }
            for length in stride(from: limit, to: longest, by: -1) where value.hasPrefix(text.suffix(length)) {
                longest = length
                break
            }
        }
        return longest
    }
}
