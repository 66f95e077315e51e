// A well-formedness check for the SVG and HTML Seer writes: every element closed in order, quotes
// closed, no stray '<' or '&'. Not a full XML parser — enough to catch a figure or report that a
// browser would render half-broken — and needing no libxml2, so tests run on any machine.

public enum MarkupCheck {
    /// HTML elements that never have a closing tag.
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "input", "link"]

    /// Nil when `text` is well formed; else what is wrong and where (a character offset).
    public static func problem(in text: String) -> String? {
        let chars = Array(text.utf8)
        var open: [String] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: "&") {
                // An entity: &name; or &#digits;
                var j = i + 1
                while j < chars.count, j - i < 12, chars[j] != UInt8(ascii: ";") {
                    guard (chars[j] | 0x20) >= UInt8(ascii: "a") && (chars[j] | 0x20) <= UInt8(ascii: "z") || chars[j] == UInt8(ascii: "#")
                            || (chars[j] >= UInt8(ascii: "0") && chars[j] <= UInt8(ascii: "9")) else { return "a bare '&' at \(i)" }
                    j += 1
                }
                guard j < chars.count, chars[j] == UInt8(ascii: ";") else { return "a bare '&' at \(i)" }
                i = j + 1
                continue
            }
            guard c == UInt8(ascii: "<") else { i += 1; continue }
            // Declarations and comments: <!DOCTYPE …>, <!-- … -->, <?xml …?>.
            if i + 1 < chars.count, chars[i + 1] == UInt8(ascii: "!") || chars[i + 1] == UInt8(ascii: "?") {
                guard let end = chars[i...].firstIndex(of: UInt8(ascii: ">")) else { return "an unclosed declaration at \(i)" }
                i = end + 1
                continue
            }
            var j = i + 1
            let closing = j < chars.count && chars[j] == UInt8(ascii: "/")
            if closing { j += 1 }
            let nameStart = j
            while j < chars.count, chars[j] != UInt8(ascii: " "), chars[j] != UInt8(ascii: ">"), chars[j] != UInt8(ascii: "/"), chars[j] != UInt8(ascii: "\n") { j += 1 }
            let name = String(decoding: chars[nameStart..<j], as: UTF8.self).lowercased()
            guard !name.isEmpty else { return "a '<' that opens no tag at \(i)" }
            // The rest of the tag, with quoted attribute values.
            var quote: UInt8?
            while j < chars.count {
                let d = chars[j]
                if let q = quote { if d == q { quote = nil } } else if d == UInt8(ascii: "\"") || d == UInt8(ascii: "'") { quote = d } else if d == UInt8(ascii: ">") { break }
                j += 1
            }
            guard j < chars.count else { return "the tag <\(name) at \(i) never closes" }
            let selfClosing = chars[j - 1] == UInt8(ascii: "/")
            if closing {
                guard open.last == name else { return "</\(name)> at \(i) closes <\(open.last ?? "nothing")>" }
                open.removeLast()
            } else if !selfClosing && !voidElements.contains(name) {
                open.append(name)
            }
            i = j + 1
        }
        return open.isEmpty ? nil : "<\(open.last!)> is never closed"
    }
}
