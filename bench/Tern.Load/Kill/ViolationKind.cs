namespace Tern.Load.Kill;

/// <summary>The guarantee a violation broke.</summary>
internal enum ViolationKind
{
    /// <summary>An acknowledged submission neither at the sender nor stored at the recipient.</summary>
    SubmissionLost,

    /// <summary>An acknowledged delivery not stored at the recipient in time, or not fetched and no longer notified.</summary>
    DeliveryStuck,

    /// <summary>A reference the recipient's client was shown neither pending nor stored.</summary>
    ReferenceLost,

    /// <summary>A stored message altered, gone, or never listed after the client's cursor.</summary>
    StoredMessage,
}
