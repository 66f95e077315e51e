// Comma-separated option values (`--models nt,dlinear`, `--seeds 1,2,3`, `--seq 256,1024`),
// parsed and checked the same way by every command that takes them.
import ArgumentParser
import Foundation

/// The comma-separated items of `text`, trimmed, empty ones dropped.
func listItems(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// A non-empty list of model names, each one of `known`.
func modelList(_ text: String, known: [String], option: String = "--models") throws -> [String] {
    let list = listItems(text)
    guard !list.isEmpty, list.allSatisfy(known.contains) else {
        throw ValidationError("\(option) takes a comma-separated subset of \(known.joined(separator: ", ")), not '\(text)'")
    }
    return list
}

/// A non-empty list of whole numbers, each at least `minimum`, for option `name`.
func numberList<Number: FixedWidthInteger>(_ text: String, option name: String, minimum: Number) throws -> [Number] {
    let values = listItems(text).map { Number($0) }
    guard !values.isEmpty, values.allSatisfy({ ($0 ?? minimum - 1) >= minimum }) else {
        throw ValidationError("\(name) takes whole numbers ≥ \(minimum), comma-separated, not '\(text)'")
    }
    return values.map { $0! }
}
