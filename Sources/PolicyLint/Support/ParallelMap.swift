import Dispatch

/// `map` on every core, results in input order. Each task writes only its own slot.
public enum ParallelMap {
    public static func map<T, R>(_ items: [T], _ transform: (T) -> R) -> [R] {
        guard items.count > 1 else { return items.map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            let slots = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
            slots.initialize(repeating: nil)
            defer { slots.deallocate() }
            let box = UncheckedBox(slots: slots, transform: transform, items: items)
            DispatchQueue.concurrentPerform(iterations: items.count) { i in
                box.slots[i] = box.transform(box.items[i])
            }
            // Moved out, not copied: a copy left every result retained by the freed slots, so
            // no file's document was ever released.
            return (0..<items.count).map { (slots.baseAddress! + $0).move()! }
        }
    }

    /// Dispatch wants Sendable closures; the slots are disjoint per index, so sharing is safe.
    private struct UncheckedBox<T, R>: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<R?>
        let transform: (T) -> R
        let items: [T]
    }
}
