namespace Tern.Engine.Pending;

/// <summary>What a recipient wants done with notifications from a sender (seed 001, "Per-sender pull preferences").</summary>
public enum PullPreference : byte
{
    /// <summary>Record the notification; the user or client initiates the fetch. The default.</summary>
    WhenRequested = 0,

    /// <summary>The recipient's node fetches the blob as soon as the notification arrives.</summary>
    Immediately = 1,

    /// <summary>Discard the notification without recording it: an unsubscribe the sender cannot observe.</summary>
    Ignore = 2,
}
