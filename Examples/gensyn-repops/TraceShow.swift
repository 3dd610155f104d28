// gensyn-repops trace-show: what a trace file (gensyn-repops train --trace) holds.
import RepOps

func runTraceShow(_ args: [String]) {
    var path: String?, all = false
    for a in args {
        if a == "--records" { all = true } else if path == nil && !a.hasPrefix("-") { path = a } else { fail("trace-show: unexpected argument '\(a)'\n\(usage)") }
    }
    guard let path else { fail("trace-show: needs a trace file\n\(usage)") }
    let records: [TraceFileRecord]
    do { records = try TraceFile.read(path: path) } catch { fail("trace-show: \(path): \(error)") }
    if all { for r in records { print(r) } }
    let steps = Set(records.map(\.step)).sorted()
    print("\(records.count) records in \(steps.count) step\(steps.count == 1 ? "" : "s")\(steps.isEmpty ? "" : " (\(steps.first!)…\(steps.last!))")")
    var kinds: [String: Int] = [:]
    for r in records { kinds[r.kind, default: 0] += 1 }
    for (kind, n) in kinds.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
        print("  \(kind): \(n)")
    }
}
