// A self-contained HTML report: inline CSS, inline SVG, no scripts and no network — it opens the
// same from a mail attachment as from a web server. Sections hold paragraphs, key/value lists,
// tables and figures.

public struct HTMLReport {
    public enum Block {
        case paragraph(String)
        case keyValues([(String, String)])
        case table(header: [String], rows: [[String]])
        /// An SVG document, embedded as is.
        case figure(svg: String, caption: String)
    }

    public struct Section {
        public var title: String
        public var blocks: [Block]
        public init(_ title: String, _ blocks: [Block]) {
            self.title = title
            self.blocks = blocks
        }
    }

    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section]) {
        self.title = title
        self.sections = sections
    }

    static let style = """
        body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:960px;color:#222;padding:0 1em}
        h1{font-size:1.5em;border-bottom:1px solid #ddd;padding-bottom:.3em}h2{font-size:1.15em;margin-top:1.6em}
        table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left}
        th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
        figure{margin:1em 0}figcaption{color:#666;font-size:.9em}svg{max-width:100%;height:auto}
        """

    public func html() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>\(LinePlot.escape(title))</title>\n"
        out += "<style>\n\(HTMLReport.style)\n</style>\n</head>\n<body>\n<h1>\(LinePlot.escape(title))</h1>\n"
        for section in sections {
            out += "<section>\n<h2>\(LinePlot.escape(section.title))</h2>\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let text):
                    out += "<p>\(LinePlot.escape(text))</p>\n"
                case .keyValues(let pairs):
                    out += "<table>\n" + pairs.map { "<tr><th>\(LinePlot.escape($0.0))</th><td>\(LinePlot.escape($0.1))</td></tr>" }.joined(separator: "\n") + "\n</table>\n"
                case .table(let header, let rows):
                    out += "<table>\n<tr>" + header.map { "<th>\(LinePlot.escape($0))</th>" }.joined() + "</tr>\n"
                    for row in rows {
                        out += "<tr>" + row.map { cell in
                            Double(cell) != nil ? "<td class=\"num\">\(LinePlot.escape(cell))</td>" : "<td>\(LinePlot.escape(cell))</td>"
                        }.joined() + "</tr>\n"
                    }
                    out += "</table>\n"
                case .figure(let svg, let caption):
                    out += "<figure>\n\(svg)<figcaption>\(LinePlot.escape(caption))</figcaption>\n</figure>\n"
                }
            }
            out += "</section>\n"
        }
        return out + "</body>\n</html>\n"
    }
}
