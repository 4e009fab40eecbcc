using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// The message <paramref name="messageId"/> with every delivery in its current state, if <paramref name="account"/>
    /// submitted it and it has not been swept since its expiry; otherwise null (another account's message is as unknown
    /// as one never submitted).
    /// </summary>
    public MessageInfo? GetMessage(MessageId messageId, string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        lock (_index)
        {
            return _blobs.TryGetValue(messageId, out var blob) && string.Equals(blob.Account, account, StringComparison.Ordinal) ? ToMessageInfoLocked(blob) : null;
        }
    }

    /// <summary>
    /// The messages <paramref name="account"/> submitted that the store still holds, oldest first. Scans the index (a
    /// per-account list is not kept): for a client's occasional listing, not a per-request path.
    /// </summary>
    public IReadOnlyList<MessageInfo> ListMessages(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var messages = new List<MessageInfo>();
        lock (_index)
        {
            foreach (var blob in _blobs.Values)
            {
                if (string.Equals(blob.Account, account, StringComparison.Ordinal))
                {
                    messages.Add(ToMessageInfoLocked(blob));
                }
            }
        }

        messages.Sort((a, b) => a.Submitted.CompareTo(b.Submitted));
        return messages;
    }

    private static MessageInfo ToMessageInfoLocked(BlobEntry blob)
    {
        var deliveries = new DeliveryInfo[blob.Deliveries.Length];
        for (var i = 0; i < deliveries.Length; i++)
        {
            deliveries[i] = blob.Deliveries[i].ToInfo();
        }

        return new MessageInfo(blob.Id, blob.Account, blob.Size, blob.PayloadHash, DateTimeOffset.FromUnixTimeMilliseconds(blob.SubmittedMs),
            DateTimeOffset.FromUnixTimeMilliseconds(blob.ExpiryMs), blob.MimeHint, deliveries);
    }
}
