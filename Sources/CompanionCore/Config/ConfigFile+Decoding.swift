import Foundation

extension ConfigFile {
    /// Decodes a config file with `JSONDecoder`, phrasing each failure as the config always has: invalid
    /// JSON names the line and column, a wrong value names its key (`"projects[0].name" must be a string`).
    static func decode(_ data: Data, path: String) throws(ConfigError) -> ConfigFile {
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch let error as DecodingError {
            throw configError(for: error, in: data, path: path)
        } catch {
            throw ConfigError(.invalidJSON, path: path, "invalid JSON (\(error))")
        }
    }

    private static func configError(for error: DecodingError, in data: Data, path: String) -> ConfigError {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            guard context.codingPath.isEmpty else {
                return ConfigError(.invalidValue, path: path, wrongValueMessage(at: context.codingPath))
            }
            // At the top level it is either not JSON (JSONSerialization says where) or not an object. A lone
            // value such as `3` counts as not JSON, as JSONSerialization has always rejected it.
            if let syntaxError = syntaxError(in: data) {
                return ConfigError(.invalidJSON, path: path, "invalid JSON \(syntaxError)")
            }
            if case .dataCorrupted = error {
                return ConfigError(.invalidJSON, path: path, "invalid JSON (\(context.debugDescription))")
            }
            return ConfigError(.invalidJSON, path: path, "the top level must be a JSON object")
        case .keyNotFound(let key, let context):
            // Not thrown today: every key is optional in ConfigFile, and ConfigLoader reports missing ones.
            return ConfigError(.invalidValue, path: path, "\"\(keyPath(context.codingPath + [key]))\" is missing")
        @unknown default:
            return ConfigError(.invalidValue, path: path, "\(error)")
        }
    }

    /// What the value at `codingPath` must be, for a value of the wrong JSON type or out of range.
    private static func wrongValueMessage(at codingPath: [any CodingKey]) -> String {
        let key = keyPath(codingPath)
        func atLeast(_ limit: LimitsSection.CodingKeys) -> String {
            "\"\(key)\" must be a number of at least \(limit.minimum.formatted())"
        }
        switch keyPath(codingPath, indices: false) {
        case "projects":
            return "\"projects\" must be a list"
        case "projects[]", "codex", "telegram", "limits", "approvals", "files", "transcription", "dashboard":
            return "\"\(key)\" must be an object"
        case "telegram.allowed_user_ids":
            return "\"telegram.allowed_user_ids\" must be a list of numbers"
        case "telegram.allowed_user_ids[]":
            // Names the list rather than the entry, as this message always has.
            return "\"telegram.allowed_user_ids\" must hold whole numbers (Telegram user ids)"
        case "limits.max_parallel":
            return atLeast(.maxParallel)
        case "limits.task_timeout_minutes":
            return atLeast(.taskTimeoutMinutes)
        case "limits.idle_timeout_minutes":
            return atLeast(.idleTimeoutMinutes)
        case "dashboard.enabled", "dashboard.allow_remote":
            return "\"\(key)\" must be true or false"
        case "dashboard.port":
            return "\"\(key)\" must be a port number (1 to 65535, or 0 for any free port)"
        case "files.max_megabytes":
            return "\"\(key)\" must be a number above 0 and at most 20 (Telegram's limit)"
        case "approvals.timeout_seconds":
            return "\"\(key)\" must be a number of at least 1"
        case "approvals.desk_grace_seconds":
            return "\"\(key)\" must be a number from 0 to 3600"

        default:
            // Every other key the file knows holds a string.
            return "\"\(key)\" must be a string"
        }
    }

    /// Why JSONSerialization rejects `data`, as "at line L, column C" (computed from the character offset in
    /// its message) or, without an offset, its message in parentheses. Nil when it reads the data fine.
    /// JSONDecoder's own error cannot be relied on for the position (on Linux it carries no detail at all),
    /// so the data is read again, on this failure path only.
    private static func syntaxError(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            guard let range = detail.range(of: #"character (\d+)"#, options: .regularExpression),
                let offset = Int(detail[range].split(separator: " ")[1])
            else {
                return "(\(detail))"
            }
            var line = 1
            var column = 1
            for byte in data.prefix(offset) {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return "at line \(line), column \(column)"
        }
    }
}
