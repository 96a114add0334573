extension KeyedDecodingContainer {
    /// The value under `key`, or `fallback` when the record predates the field: how every saved
    /// record of a run (options, state) stays readable as fields are added.
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}
