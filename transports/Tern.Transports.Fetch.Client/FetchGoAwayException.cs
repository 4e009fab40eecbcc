using Tern.Engine.Protocol.Fetch;

namespace Tern.Transports.Fetch.Client;

/// <summary>The framed door sent <c>goaway</c> or broke the protocol; the connection is closed (docs/PROTOCOL.md §8.2).</summary>
public sealed class FetchGoAwayException : IOException
{
    /// <summary>Creates the exception.</summary>
    public FetchGoAwayException(GoAwayCode code, string reason)
        : base($"The fetch door closed the connection: {code} ({reason}).")
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>Creates the exception with a message.</summary>
    public FetchGoAwayException() : this(GoAwayCode.InternalError, "")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FetchGoAwayException(string message) : base(message) => Reason = message;

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public FetchGoAwayException(string message, Exception innerException) : base(message, innerException) => Reason = message;

    /// <summary>The goaway code.</summary>
    public GoAwayCode Code { get; }

    /// <summary>The goaway reason text.</summary>
    public string Reason { get; } = "";
}
