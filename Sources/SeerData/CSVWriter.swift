// CSV text in the dialect every reader takes by default (RFC 4180): comma-separated, a field
// quoted only when it holds a comma, a quote or a line break, quotes doubled inside, `\n` line
// ends. Result writers build their rows through here so quoting is decided in one place.

/// Builds CSV lines.
public enum CSVWriter {
    /// `text` as one CSV field, quoted when it holds a separator, quote or line break.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.doublingQuotes() + "\""
    }

    /// One CSV line (with its `\n`) of `fields`, each quoted where needed.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}

extension String {
    /// Every `"` doubled (CSV's escape inside a quoted field), without Foundation.
    fileprivate func doublingQuotes() -> String {
        var out = ""
        out.reserveCapacity(count)
        for c in self { if c == "\"" { out += "\"\"" } else { out.append(c) } }
        return out
    }
}
