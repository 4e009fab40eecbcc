using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.Engine.Tests.Pull;

/// <summary>What the fair queue's tests read and write: a pull taken only if one may be handed out now, and a bare reference of a sender domain.</summary>
internal static class FairPullQueueReads
{
    /// <summary>A pull if one may be handed out now, else null (the wait is cancelled, so it takes no later pull).</summary>
    public static async Task<(RecipientHash Hash, PendingReference Reference)?> ReadNowAsync(FairPullQueue queue)
    {
        using var cancel = new CancellationTokenSource();
        var read = queue.ReadAsync(cancel.Token);
        if (read.IsCompleted)
        {
            return await read;
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.AsTask());
        return null;
    }

    public static PendingReference Reference(string senderDomain) =>
        new(FetchCapability.NewRandom(), senderDomain, default, 0, 1, default, "", [], 0, 1, 0, default);
}
