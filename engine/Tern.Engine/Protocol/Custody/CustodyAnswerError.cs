namespace Tern.Engine.Protocol.Custody;

/// <summary>Why a custody answer could not be read (docs/PROTOCOL.md §10.3); <see cref="None"/> means well-formed.</summary>
public enum CustodyAnswerError : byte
{
    /// <summary>Well-formed.</summary>
    None = 0,

    /// <summary>Empty, or shorter than its status's fields.</summary>
    Truncated,

    /// <summary>Bytes left over after the fields of an <c>in_progress</c> or <c>declined</c> answer.</summary>
    TrailingBytes,

    /// <summary>The status byte is none of §10.3's.</summary>
    UnknownStatus,

    /// <summary>A declined answer's reason is none of §10.3's.</summary>
    UnknownReason,

    /// <summary>A declined answer's detail is not printable ASCII.</summary>
    BadDetail,

    /// <summary>An accepted answer's receipt is shorter or longer than any receipt can be (§10.1).</summary>
    BadReceiptLength,
}
