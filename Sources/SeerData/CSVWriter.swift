// CSV text in the dialect every reader takes by default (RFC 4180): comma-separated, a field
// quoted only when it holds a comma, a quote or a line break, quotes doubled inside, `\n` line
// ends. Result writers build their rows through here so quoting is decided in one place.

/// Builds CSV lines.
public enum CSVWriter {
    /// `text` as one CSV field, quoted when it holds a separator, quote or line break.
    public static func field(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    /// One CSV line (with its `\n`) of `fields`, each quoted where needed.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}

extension String {
    /// The string with every `target` scalar replaced (CSV's and SQL's quote doubling). Scalars, not
    /// Characters: a quote followed by a combining mark is one Character, yet still a bare `"` to
    /// a CSV reader or SQLite's tokenizer.
    func replacingAll(_ target: Unicode.Scalar, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if scalar == target { out += replacement } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
