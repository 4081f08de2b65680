extension String {
    /// The longest prefix of `text` whose UTF-8 form fits `bytesMax`, cut between characters so the
    /// result stays valid UTF-8. Free-text fields have a byte limit on the wire.
    static func truncating(_ text: String, toUTF8BytesMax bytesMax: Int) -> String {
        guard text.utf8.count > bytesMax else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let characterBytes = character.utf8.count
            guard bytes + characterBytes <= bytesMax else { break }
            result.append(character)
            bytes += characterBytes
        }
        return result
    }
}
