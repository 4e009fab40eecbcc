using System.Buffers.Binary;
using Tern.Engine.Bulk;

namespace Tern.Fuzz.Targets;

/// <summary>
/// The bulk codecs (docs/PROTOCOL.md §17): the first byte picks one, the rest is its input. 0: a bulk datagram through
/// <see cref="BulkDatagram.TryReadHeader"/> and the reader of its type (a data or report datagram that reads writes back
/// byte for byte; a receipt datagram's body goes on to <see cref="BulkReceipt.TryParse"/>). 1: a manifest, 2: a receipt,
/// each with its length field, embedded key and signature rewritten by the target (a.example's fixed key) so that
/// mutations reach the field rules behind the signature instead of failing at it.
/// </summary>
internal sealed class BulkTarget : IFuzzTarget
{
    private const int ManifestKeyAt = 45;
    private const int ReceiptKeyAt = 93;
    private const int SignatureSize = 64;

    private byte[] _scratch = new byte[BulkDatagram.MaxSize];
    private byte[] _signed = new byte[BulkDatagram.MaxSize];

    public string Name => "bulk";

    public string Covers => "bulk codecs: BulkDatagram header, data, report, cancel and receipt readers (data and report written back equal), BulkManifest.TryParse and BulkReceipt.TryParse behind a signature the target makes";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var body = input[1..];
        switch (input[0] % 3)
        {
            case 0:
                Datagram(body);
                break;
            case 1:
                Manifest(Resigned(body, ManifestKeyAt, lengthField: true));
                break;
            default:
                Receipt(BulkReceipt.TryParse(Resigned(body, ReceiptKeyAt, lengthField: false)));
                break;
        }
    }

    private void Datagram(ReadOnlySpan<byte> datagram)
    {
        if (!BulkDatagram.TryReadHeader(datagram, out var type, out var flags, out var session))
        {
            return;
        }

        var copy = _scratch.AsSpan();
        switch (type)
        {
            case BulkDatagramType.Data when BulkDatagram.TryReadData(datagram, flags, out var serial, out var blockLength, out var offset, out var data):
                if (offset < 0 || data.IsEmpty || offset + data.Length > blockLength)
                {
                    throw new FuzzContractException($"data accepted outside its block: offset {offset}, {data.Length} bytes, block {blockLength}");
                }

                data.CopyTo(copy[BulkDatagram.DataHeaderSize..]);
                SameBytes(datagram, copy[..BulkDatagram.WriteData(copy, session, serial, blockLength, offset, data.Length)], "data");
                break;
            case BulkDatagramType.Report when BulkDatagram.TryReadReport(datagram, flags, out var complete, out var serial, out var upperBound, out var ranges):
                var count = ranges.Length / BulkDatagram.RangeSize;
                var length = BulkDatagram.WriteReport(copy, session, complete, serial, upperBound, count);
                long previousEnd = 0;
                for (var i = 0; i < count; i++)
                {
                    BulkDatagram.ReadRange(ranges, i, out var start, out var end);
                    if (start < previousEnd || end <= start || end > upperBound)
                    {
                        throw new FuzzContractException($"report accepted with range {i} [{start}, {end}) after {previousEnd}, bound {upperBound}");
                    }

                    BulkDatagram.WriteRange(copy, i, start, end);
                    previousEnd = end;
                }

                SameBytes(datagram, copy[..length], "report");
                break;
            case BulkDatagramType.Receipt:
                Receipt(BulkReceipt.TryParse(datagram[BulkDatagram.HeaderSize..]));
                break;
            case BulkDatagramType.Cancel when BulkDatagram.TryReadCancel(datagram, flags, out var reason):
                if (reason == BulkCancelReason.None)
                {
                    throw new FuzzContractException("a cancel read with no reason");
                }

                break;
        }
    }

    private static void Manifest(ReadOnlySpan<byte> source)
    {
        if (BulkManifest.TryParse(source) is not { } manifest)
        {
            return;
        }

        if (manifest.EncodedLength != source.Length || manifest.Entries.Count is 0 or > BulkManifest.MaxBlobs || manifest.DeadlineMs <= manifest.CreatedAtMs)
        {
            throw new FuzzContractException($"a manifest of {source.Length} bytes measures {manifest.EncodedLength} with {manifest.Entries.Count} entries");
        }

        foreach (var entry in manifest.Entries)
        {
            if (entry.RecipientHashes.Count is 0 or > BulkManifest.MaxRecipients || entry.PayloadSize < 0)
            {
                throw new FuzzContractException($"a manifest entry with {entry.RecipientHashes.Count} recipients and {entry.PayloadSize} bytes");
            }
        }
    }

    private static void Receipt(BulkReceipt? receipt)
    {
        if (receipt is not null && (receipt.Accepted.Length is 0 or > BulkManifest.MaxBlobs || receipt.AcceptedCount > receipt.Accepted.Length))
        {
            throw new FuzzContractException($"a receipt of {receipt.Accepted.Length} blobs accepting {receipt.AcceptedCount}");
        }
    }

    /// <summary>
    /// The input with a.example's signing key at <paramref name="keyAt"/> and its signature over the rest in the last 64
    /// bytes (§17.3, §17.5), and for a manifest its own length in bytes 1–4; as it is when too short to hold them.
    /// </summary>
    private ReadOnlySpan<byte> Resigned(ReadOnlySpan<byte> input, int keyAt, bool lengthField)
    {
        if (input.Length < keyAt + 32 + SignatureSize || input.Length > BulkManifest.MaxSize)
        {
            return input;
        }

        Grow(ref _scratch, input.Length);
        var copy = _scratch.AsSpan(0, input.Length);
        input.CopyTo(copy);
        if (lengthField)
        {
            BinaryPrimitives.WriteInt32BigEndian(copy[1..], input.Length);
        }

        FixedKeys.A.SigningPublicKey.CopyTo(copy[keyAt..]);
        var context = lengthField ? BulkManifest.SignatureContext : BulkReceipt.SignatureContext;
        var body = copy[..^SignatureSize];
        Grow(ref _signed, context.Length + body.Length);
        context.CopyTo(_signed);
        body.CopyTo(_signed.AsSpan(context.Length));
        FixedKeys.A.Sign(_signed.AsSpan(0, context.Length + body.Length), copy[^SignatureSize..]);
        return copy;
    }

    private static void SameBytes(ReadOnlySpan<byte> read, ReadOnlySpan<byte> written, string what)
    {
        if (!read.SequenceEqual(written))
        {
            throw new FuzzContractException($"a {what} datagram of {read.Length} bytes read, then written back as {written.Length} different bytes");
        }
    }

    private static void Grow(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var bulk = vectors.File("bulk.json");
        foreach (var name in new[] { "data_datagram", "report", "report_complete", "receipt_datagram", "cancel_retry_limit" })
        {
            yield return new Seed(name.Replace('_', '-'), [0, .. VectorSeeds.Hex(bulk, name)]);
        }

        yield return new Seed("manifest", [1, .. VectorSeeds.Hex(bulk, "manifest")]);
        yield return new Seed("receipt", [2, .. VectorSeeds.Hex(bulk, "receipt")]);
    }

    /// <summary>A manifest's parse and the target's signing copy the input a few times over: 64 KiB and 256 bytes an input byte.</summary>
    public long AllocationBudget(int inputLength) => (64 * 1024) + (256L * inputLength);
}
