extension Dataset {
    /// Tiles images into one picture, row by row, for eyeballing a dataset
    /// (`fer-cl inspect --grid`): wrong labels, blank or inverted faces and bad crops are
    /// obvious in a grid and invisible in counts.
    ///
    /// Tiles are 48 × 48 at `scale` × (nearest neighbour, so no pixel is invented),
    /// separated by `padding` pixels of `background`. Indices outside the dataset are
    /// left as background rather than trapping, so a grid of "the first 64" works on a
    /// smaller dataset.
    public func grid(indices: [Int], columns: Int, padding: Int = 2, scale: Int = 1, background: UInt8 = 0) -> GrayImage {
        let columns = max(1, columns), padding = max(0, padding), scale = max(1, scale)
        let rows = max(1, (indices.count + columns - 1) / columns)
        let tile = Dataset.side * scale
        let width = columns * tile + (columns + 1) * padding
        let height = rows * tile + (rows + 1) * padding
        var pixels = [UInt8](repeating: background, count: width * height)
        for (slot, index) in indices.enumerated() where index >= 0 && index < count {
            let left = padding + (slot % columns) * (tile + padding)
            let top = padding + (slot / columns) * (tile + padding)
            let source = image(at: index)
            for y in 0 ..< tile {
                let sourceRow = source.startIndex + (y / scale) * Dataset.side
                let rowStart = (top + y) * width + left
                for x in 0 ..< tile {
                    pixels[rowStart + x] = source[sourceRow + x / scale]
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }
}
