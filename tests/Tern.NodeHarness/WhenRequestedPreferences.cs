using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.NodeHarness;

/// <summary>Every recipient records every sender's notifications (the protocol's default preference).</summary>
internal sealed class WhenRequestedPreferences : IPullPreferences
{
    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => PullPreference.WhenRequested;
}
