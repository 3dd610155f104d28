/// Sorting a list of integers ascending or descending.
enum SortingTask {
    /// Difficulty 1: 5 numbers in 0...99; 2: 8 in −999...999; 3: 12 in −9999...9999.
    static func generate(difficulty: Int, rng: inout SwarmRandom) -> (String, String) {
        let count = [5, 8, 12][difficulty - 1]
        let range: ClosedRange<Int> = [0...99, -999...999, -9999...9999][difficulty - 1]
        let numbers = (0..<count).map { _ in rng.int(in: range) }
        let descending = rng.bool()
        let sorted = descending ? numbers.sorted(by: >) : numbers.sorted()
        let list = numbers.map(String.init).joined(separator: ", ")
        let order = descending ? "descending" : "ascending"
        return ("Sort these numbers in \(order) order: \(list). Answer as a comma-separated list.",
                sorted.map(String.init).joined(separator: ", "))
    }
}
