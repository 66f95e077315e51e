// A first pass over a job file with libyaml's event parser (the parser under Yams), before Yams
// builds its tree: the file must have a job file's shape — mapping keys that are plain values, at
// most 32 levels of nesting, at most 100,000 values with its aliases expanded. Yams, reporting
// duplicated keys, sorts them by comparing complex keys recursively (the fuzzer's job target
// waited 14 s under ASan, 0.18 s natively, on a 3.9 KB file of nested `? -` keys); its composer
// recurses once per level, so a deep enough file overflows the stack; and an alias stands for its
// whole node, so a few lines of aliases of aliases are billions of values for the reader. None of
// these shapes means anything in a job file, so each is refused with its line and column. The
// pass is linear in the text: libyaml keeps its own stack on the heap.
import CYaml
import SeerBase

enum JobFileShape {
    /// Nesting levels a job file may use (its own need four: the file, `sources`, a source, a list in it).
    static let maxDepth = 32
    /// Values, with aliases expanded, a job file may hold.
    static let maxValues = 100_000

    /// Refuses `text` where its shape is not a job file's, naming `file`, the line and the column.
    /// YAML that does not parse passes: Yams then reports the syntax error in its own words.
    static func check(_ text: String, file: String) throws(DataError) {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var walk = Walk(file: file)
        let failure: DataError? = bytes.withUnsafeBufferPointer { buffer -> DataError? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                do throws(DataError) { try walk.visit(event) } catch { return error }
            }
        }
        if let failure { throw failure }
    }

    /// The open collections and the values seen so far.
    private struct Walk {
        struct Level {
            var isMapping: Bool
            var expectingKey = true
            var valuesBefore: Int
            var anchor: String?
        }
        let file: String
        var levels: [Level] = []
        /// Where the event being visited starts, for refusals.
        var line = 0, column = 0
        var values = 0
        /// Each anchor's size in values, so an alias counts as much as the node it stands for.
        var anchorSizes: [String: Int] = [:]

        mutating func visit(_ event: yaml_event_t) throws(DataError) {
            (line, column) = (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_SCALAR_EVENT:
                try add(1)
                if let anchor = Self.name(event.data.scalar.anchor) { anchorSizes[anchor] = 1 }
                finishNode()
            case YAML_ALIAS_EVENT:
                if atKey { throw refuse("an alias cannot be a key in a job file; write the key out") }
                try add(Self.name(event.data.alias.anchor).flatMap { anchorSizes[$0] } ?? 1)
                finishNode()
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if atKey { throw refuse("a key in a job file is a plain name, not a \(isMapping ? "mapping" : "list")") }
                guard levels.count < JobFileShape.maxDepth else {
                    throw refuse("nested more than \(JobFileShape.maxDepth) levels deep; a job file needs a few")
                }
                try add(1)
                let anchor = isMapping ? Self.name(event.data.mapping_start.anchor) : Self.name(event.data.sequence_start.anchor)
                levels.append(Level(isMapping: isMapping, valuesBefore: values - 1, anchor: anchor))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let level = levels.popLast() else { return }
                if let anchor = level.anchor { anchorSizes[anchor] = values - level.valuesBefore }
                finishNode()
            default:
                break
            }
        }

        /// Whether the next node is a key of the innermost mapping.
        private var atKey: Bool { levels.last.map { $0.isMapping && $0.expectingKey } ?? false }

        private func refuse(_ why: String) -> DataError { DataError.bad(why, file: file, line: line, column: column) }

        /// Counts `count` more values, refusing past the bound.
        private mutating func add(_ count: Int) throws(DataError) {
            values += count
            guard values <= JobFileShape.maxValues else {
                throw refuse("holds more than \(JobFileShape.maxValues) values once its aliases are expanded; a job file needs far fewer")
            }
        }

        /// A node ended: in a mapping, a key is followed by its value and a value by the next key.
        private mutating func finishNode() {
            if let last = levels.indices.last, levels[last].isMapping { levels[last].expectingKey.toggle() }
        }

        static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
