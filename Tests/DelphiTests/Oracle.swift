import GensynTestSupport
import Testing


/// Runs a Python `decimal`/mpmath check; the script prints "OK ..." or failure lines.
func oracle(_ script: String, _ input: String) throws -> String {
    try PythonOracle.run(script, input: input).trimmingCharacters(in: .whitespacesAndNewlines)
}

import Foundation
