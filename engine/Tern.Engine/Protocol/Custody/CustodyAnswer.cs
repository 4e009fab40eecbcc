using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Protocol.Receipts;

namespace Tern.Engine.Protocol.Custody;

/// <summary>
/// A gateway's answer to a custody offer (docs/PROTOCOL.md §10.3): the receipt (§10.1) when it holds the blob, a wait
/// while it fetches, or a decline with a reason. The same bytes over every door.
/// </summary>
/// <param name="Status">Which of the three.</param>
/// <param name="Receipt">The signed receipt of an accepted answer; empty otherwise.</param>
/// <param name="RetryAfterMs">How long the sender waits before offering again, for <see cref="CustodyAnswerStatus.InProgress"/>.</param>
/// <param name="Reason">Why, for <see cref="CustodyAnswerStatus.Declined"/>.</param>
/// <param name="Detail">A human-readable detail of a decline, 0–255 printable ASCII bytes.</param>
public readonly record struct CustodyAnswer(CustodyAnswerStatus Status, ReadOnlyMemory<byte> Receipt, uint RetryAfterMs, CustodyDeclineReason Reason, string Detail)
{
    /// <summary>An answer carrying <paramref name="receipt"/>.</summary>
    public static CustodyAnswer Accepted(ReadOnlyMemory<byte> receipt) => new(CustodyAnswerStatus.Accepted, receipt, 0, 0, "");

    /// <summary>An answer asking the sender to offer again after <paramref name="retryAfterMs"/>.</summary>
    public static CustodyAnswer InProgress(uint retryAfterMs) => new(CustodyAnswerStatus.InProgress, default, retryAfterMs, 0, "");

    /// <summary>A decline; <paramref name="detail"/> is cut to 255 bytes and anything but printable ASCII becomes '?'.</summary>
    public static CustodyAnswer Declined(CustodyDeclineReason reason, string detail) => new(CustodyAnswerStatus.Declined, default, 0, reason, Printable(detail));

    /// <summary>Whether a sender may offer the same blob again after this reason (§10.3).</summary>
    public static bool IsTransient(CustodyDeclineReason reason) =>
        reason is CustodyDeclineReason.Full or CustodyDeclineReason.FetchFailed or CustodyDeclineReason.SenderUnknown;

    /// <summary>Length of the encoded answer.</summary>
    public int EncodedLength => Status switch
    {
        CustodyAnswerStatus.Accepted => 1 + Receipt.Length,
        CustodyAnswerStatus.InProgress => 1 + 4,
        _ => 1 + 1 + 1 + (Detail?.Length ?? 0),
    };

    /// <summary>Writes the answer (§10.3) and returns its length.</summary>
    public int Write(Span<byte> destination)
    {
        var length = EncodedLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        destination[0] = (byte)Status;
        switch (Status)
        {
            case CustodyAnswerStatus.Accepted:
                if (Receipt.Length is < ResponsibilityReceipt.MinSize or > ResponsibilityReceipt.MaxSize)
                {
                    throw new InvalidOperationException("An accepted answer carries one receipt (docs/PROTOCOL.md §10.1).");
                }

                Receipt.Span.CopyTo(destination[1..]);
                break;
            case CustodyAnswerStatus.InProgress:
                BinaryPrimitives.WriteUInt32BigEndian(destination[1..], RetryAfterMs);
                break;
            case CustodyAnswerStatus.Declined:
                if (!Enum.IsDefined(Reason) || Detail is null || Detail.Length > byte.MaxValue)
                {
                    throw new InvalidOperationException("A decline carries one of §10.3's reasons and a detail of at most 255 bytes.");
                }

                destination[1] = (byte)Reason;
                var offset = 2;
                WireFields.WriteShortString(destination, ref offset, Detail);
                break;
            default:
                throw new InvalidOperationException($"Unknown answer status {Status}.");
        }

        return length;
    }

    /// <summary>The encoded answer as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        Write(bytes);
        return bytes;
    }

    /// <summary>
    /// Reads an answer (docs/PROTOCOL.md §10.3). An accepted answer's receipt is only measured here: the sender parses and
    /// verifies it against its offer (§10.5). Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out CustodyAnswer answer, out CustodyAnswerError error)
    {
        answer = default;
        if (source.IsEmpty)
        {
            error = CustodyAnswerError.Truncated;
            return false;
        }

        switch ((CustodyAnswerStatus)source[0])
        {
            case CustodyAnswerStatus.Accepted:
                if (source.Length - 1 is < ResponsibilityReceipt.MinSize or > ResponsibilityReceipt.MaxSize)
                {
                    error = CustodyAnswerError.BadReceiptLength;
                    return false;
                }

                answer = Accepted(source[1..].ToArray());
                break;
            case CustodyAnswerStatus.InProgress:
                if (source.Length != 5)
                {
                    error = source.Length < 5 ? CustodyAnswerError.Truncated : CustodyAnswerError.TrailingBytes;
                    return false;
                }

                answer = InProgress(BinaryPrimitives.ReadUInt32BigEndian(source[1..]));
                break;
            case CustodyAnswerStatus.Declined:
                var offset = 2;
                if (source.Length < 3 || !WireFields.TryReadShortString(source, ref offset, out var detail))
                {
                    error = CustodyAnswerError.Truncated;
                    return false;
                }

                if (offset != source.Length)
                {
                    error = CustodyAnswerError.TrailingBytes;
                    return false;
                }

                if (!Enum.IsDefined((CustodyDeclineReason)source[1]))
                {
                    error = CustodyAnswerError.UnknownReason;
                    return false;
                }

                if (!WireFields.IsPrintableAscii(detail))
                {
                    error = CustodyAnswerError.BadDetail;
                    return false;
                }

                answer = new CustodyAnswer(CustodyAnswerStatus.Declined, default, 0, (CustodyDeclineReason)source[1], Encoding.ASCII.GetString(detail));
                break;
            default:
                error = CustodyAnswerError.UnknownStatus;
                return false;
        }

        error = CustodyAnswerError.None;
        return true;
    }

    private static string Printable(string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var text = detail.Length > byte.MaxValue ? detail[..byte.MaxValue] : detail;
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = source[i] is >= ' ' and <= '~' ? source[i] : '?';
            }
        });
    }
}
