using System.Text.Json;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Submissions;

internal sealed partial class SubmissionLog
{
    private static SentRecord ToRecord(SentMessage m) => new()
    {
        User = m.User,
        MessageId = m.MessageId.ToString(),
        Size = m.Size,
        PayloadHash = m.PayloadHash.ToString(),
        SubmittedMs = m.SubmittedMs,
        ExpiresMs = m.ExpiresMs,
        MimeHint = m.MimeHint,
        IdempotencyKey = m.IdempotencyKey,
        Fingerprint = m.Fingerprint,
        Deliveries = [.. m.Deliveries.Select(d => new[] { d.Capability.ToString(), d.Domain, d.Hash.ToString() })],
    };

    private static bool TryParse(string line, out SentMessage message)
    {
        message = null!;
        SentRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(line, SentRecordJson.Default.SentRecord);
        }
        catch (JsonException)
        {
            return false;
        }

        if (record is null || !MessageId.TryParse(record.MessageId, out var id) || !Bytes32.TryParse(record.PayloadHash, out var payloadHash))
        {
            return false;
        }

        var deliveries = new List<SentDelivery>(record.Deliveries.Count);
        foreach (var d in record.Deliveries)
        {
            if (d.Length != 3 || !FetchCapability.TryParse(d[0], out var capability) || !RecipientHash.TryParse(d[2], out var hash))
            {
                return false;
            }

            deliveries.Add(new SentDelivery(capability, d[1], hash));
        }

        message = new SentMessage
        {
            User = record.User,
            MessageId = id,
            Size = record.Size,
            PayloadHash = payloadHash,
            SubmittedMs = record.SubmittedMs,
            ExpiresMs = record.ExpiresMs,
            MimeHint = record.MimeHint,
            IdempotencyKey = record.IdempotencyKey,
            Fingerprint = record.Fingerprint,
            Deliveries = deliveries,
        };
        return true;
    }
}
