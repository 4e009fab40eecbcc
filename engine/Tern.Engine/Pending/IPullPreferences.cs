namespace Tern.Engine.Pending;

/// <summary>Looks up the pull preference of a recipient hash for a sender domain; called per notification record.</summary>
public interface IPullPreferences
{
    /// <summary>The preference for <paramref name="senderDomain"/> (ASCII) at <paramref name="recipientHash"/>.</summary>
    PullPreference Lookup(Protocol.RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain);
}
