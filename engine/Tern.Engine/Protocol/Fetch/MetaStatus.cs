namespace Tern.Engine.Protocol.Fetch;

/// <summary>The <c>status</c> byte of a <see cref="FrameType.Meta"/> frame (docs/PROTOCOL.md §8.3).</summary>
public enum MetaStatus : byte
{
    /// <summary>The range follows in <see cref="FrameType.Data"/> frames (or, for a head fetch, would).</summary>
    Ok = 0,

    /// <summary>Unknown, expired, retracted or never issued: deliberately indistinguishable (§8).</summary>
    NotFound = 1,

    /// <summary>The requested range lies outside the blob.</summary>
    RangeNotSatisfiable = 2,

    /// <summary>The server is overloaded; retry later.</summary>
    Busy = 3,

    /// <summary>The request made no sense to the server.</summary>
    BadRequest = 4,
}
