using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Fuzz.Targets;

/// <summary>Index records built from the vectors' blob and capabilities, the seeds of the stored-record targets.</summary>
internal static class StoredSamples
{
    public static BlobEntry Blob(VectorSeeds vectors, string? mimeHint, int deliveries)
    {
        var notification = vectors.File("notification-datagram.json");
        var record = notification.GetProperty("records")[0];
        var blob = new BlobEntry
        {
            Id = new MessageId(VectorSeeds.Hex(vectors.File("receipt.json").GetProperty("receipt"), "message_id")),
            Account = "alice",
            MimeHint = mimeHint,
            SubmittedMs = notification.GetProperty("sent_at").GetInt64(),
            ExpiryMs = record.GetProperty("transit_expiry").GetInt64(),
            Size = record.GetProperty("payload_size").GetInt64(),
            PayloadHash = new Bytes32(VectorSeeds.Hex(record, "payload_hash")),
            Window = new BucketWindow(1_790_553_600_000, 1_790_640_000_000),
            FirstChunk = 64,
            ChunkMap = 64,
            ChunkSize = 1 << 20,
        };
        var entries = new DeliveryEntry[deliveries];
        for (var i = 0; i < deliveries; i++)
        {
            var r = notification.GetProperty("records")[i % notification.GetProperty("records").GetArrayLength()];
            entries[i] = new DeliveryEntry(blob, new FetchCapability(VectorSeeds.Hex(r, "capability")), "b.example", new RecipientHash(VectorSeeds.Hex(r, "recipient_hash")))
            {
                State = (DeliveryState)(i % 3),
                Attempt = i + 1,
                NextAttemptMs = blob.SubmittedMs + (i * 1000),
            };
        }

        blob.Deliveries = entries;
        blob.OutstandingCount = deliveries;
        return blob;
    }
}
