using Tern.Engine.Protocol.Notification;

namespace Tern.Fuzz.Targets;

/// <summary>
/// What a receiver does with an accepted body, minus the storage: every record enumerated and every field read. A body
/// that passed <see cref="DatagramBody.TryParse"/> must enumerate exactly <see cref="DatagramBody.Count"/> records
/// (docs/PROTOCOL.md §4.1: a malformed datagram is dropped whole, so enumeration cannot fail).
/// </summary>
internal static class Records
{
    private static readonly TimeSpan MaxTransit = TimeSpan.FromDays(30);

    public static void Walk(in DatagramBody body)
    {
        var now = body.SentAtMs;
        NotificationClock.CheckSentAt(body.SentAtMs, now);
        var seen = 0;
        foreach (var record in body.Notifications)
        {
            seen++;
            NotificationClock.CheckExpiry(record.TransitExpiryMs, now, MaxTransit);
            var hints = 0;
            foreach (var hint in record.FetchHints)
            {
                hints += hint.IsEmpty ? 0 : 1;
            }

            if (hints != record.FetchHints.Count || !record.IsValid)
            {
                throw new FuzzContractException($"an accepted notification record has {hints} of {record.FetchHints.Count} hints or is invalid");
            }
        }

        foreach (var record in body.Retractions)
        {
            seen++;
            if (!record.IsValid)
            {
                throw new FuzzContractException("an accepted retraction record is invalid");
            }
        }

        if (seen != body.Count)
        {
            throw new FuzzContractException($"an accepted body of {body.Count} records enumerated {seen}");
        }
    }
}
