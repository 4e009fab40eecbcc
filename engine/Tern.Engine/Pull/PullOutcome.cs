namespace Tern.Engine.Pull;

/// <summary>How one pull ended.</summary>
public enum PullOutcome
{
    /// <summary>Fetched, verified, stored; the pending reference is removed.</summary>
    Stored = 0,

    /// <summary>Already in the message store (a repeated notification); the pending reference is removed.</summary>
    AlreadyStored,

    /// <summary>The sender domain's descriptor could not be resolved; the reference stays for a later try.</summary>
    DescriptorUnavailable,

    /// <summary>The notification's key is not the sender domain's agreement key (nor a trusted gateway's): not pulled (§4.7).</summary>
    KeyMismatch,

    /// <summary>Every source answered not found (retracted, expired or never issued); the reference stays until swept or retracted.</summary>
    NotFound,

    /// <summary>The bytes did not match the notified size or hash at any source; nothing stored.</summary>
    Corrupt,

    /// <summary>No source could be reached or finish within the attempts allowed; the partial bytes stay for a resume.</summary>
    Failed,

    /// <summary>The transit expiry has passed; the reference is removed as expired.</summary>
    Expired,

    /// <summary>Another pull of the same capability is running; this one did nothing.</summary>
    InProgress,
}
