import Foundation
import TelegramAdapter
import TestSupport
import Testing

/// A file's name in an upload cannot add headers or parts: no CR/LF, no quotes in `filename`, and the
/// name again as RFC 5987 `filename*` for clients that read it.
@Suite struct MultipartFormTests {
    @Test func aFileNameCannotStartAHeaderOrEndItsQuotes() {
        let header = MultipartForm.contentDisposition(
            field: "document", fileName: "notes\r\nContent-Type: text/html\r\n\r\n<b>\"x\\\".md")
        #expect(
            header
                == "Content-Disposition: form-data; name=\"document\"; filename=\"notesContent-Type: text/html<b>x.md\"; "
                + "filename*=UTF-8''notesContent-Type%3A%20text%2Fhtml%3Cb%3Ex.md")
        #expect(!header.contains("\r") && !header.contains("\n"))
        #expect(
            MultipartForm.contentDisposition(field: "document", fileName: "Übersicht 1.pdf")
                == "Content-Disposition: form-data; name=\"document\"; filename=\"Übersicht 1.pdf\"; "
                + "filename*=UTF-8''%C3%9Cbersicht%201.pdf")
        #expect(
            MultipartForm.contentDisposition(field: "document", fileName: "\n\u{202E}").hasSuffix(
                "filename=\"file\"; filename*=UTF-8''file"))
        #expect(MultipartForm.percentEncoded("a-b_c.d~e!f") == "a-b_c.d~e!f")
        #expect(MultipartForm.percentEncoded("a b'c%") == "a%20b%27c%25")
    }

    @Test func anUploadWithAHostileNameIsOneFileWithItsBytes() async throws {
        try await withFakeTelegram { fake in
            let client = BotAPIClient(baseURL: fake.baseURL, token: fake.token)
            let contents = Data("line 1\r\n--companion-fake\r\nline 3".utf8)
            try await client.sendDocument(
                SendDocumentRequest(chatID: 1, caption: "the file", fileName: "a\r\nX-Evil: 1\".md", contents: contents))
            #expect(fake.documents.map(\.fileName) == ["aX-Evil: 1.md"])
            #expect(fake.documents.map(\.contents) == [contents])
            #expect(fake.documents.map(\.caption) == ["the file"])
        }
    }
}
