import Foundation

/// One update from getUpdates: its `update_id` and its JSON exactly as Telegram sent it. The bytes are
/// kept rather than a decoded value because they are stored for crash replay and decoded later, by
/// whatever reads them then (see `UpdateStoring.recordUpdates`).
public struct ReceivedUpdate: Sendable, Equatable {
    public var updateID: Int64
    public var payload: Data

    public init(updateID: Int64, payload: Data) {
        self.updateID = updateID
        self.payload = payload
    }
}

/// The one field of an `Update` the client reads itself.
struct UpdateHeader: Decodable {
    var updateID: Int64

    enum CodingKeys: String, CodingKey {
        case updateID = "update_id"
    }
}
