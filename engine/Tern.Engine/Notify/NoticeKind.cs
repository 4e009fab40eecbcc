namespace Tern.Engine.Notify;

/// <summary>What a scheduled entry sends when it comes due.</summary>
internal enum NoticeKind : byte
{
    /// <summary>A notification record (§4.2); the attempt number comes from the store.</summary>
    Notification = 0,

    /// <summary>A retraction record for a delivery retracted before its fetch (§11).</summary>
    Retraction = 1,

    /// <summary>A retraction record with <c>after_fetch</c> set (§11).</summary>
    RetractionAfterFetch = 2,
}
