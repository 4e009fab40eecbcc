using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Receipts;

namespace Tern.Engine.Tests.Protocol;

/// <summary>
/// Random and mutated input for every parser of the fetch door and the receipt. Inputs are exact-length
/// arrays, so a read past the end throws and fails the test; a rejection must come back as a reason.
/// Seeded, so a failure reproduces.
/// </summary>
public sealed class FetchPropertyTests
{
    private const int Cases = 10_000;

    private static readonly byte[] InterestingTypes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x10, 0xFF];
    private static readonly uint[] InterestingLengths = [0, 1, 7, 8, 9, 47, 48, 49, 65, 66, 67, 193, 194, 256, 257, 258];

    [Fact]
    public void Frame_reader_survives_random_bytes_and_ignores_segmentation()
    {
        var random = new Random(1);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = i % 2 == 0 ? RandomBytes(random, random.Next(0, 80)) : PlausibleFrame(random);
            CheckReader(random, bytes, i);
        }
    }

    [Fact]
    public void Frame_reader_survives_mutated_valid_frames()
    {
        var random = new Random(2);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = ValidFrames(random, out _);
            var mutations = random.Next(1, 5);
            for (var m = 0; m < mutations; m++)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            }

            if (random.Next(4) == 0)
            {
                bytes = bytes[..random.Next(bytes.Length + 1)];
            }

            CheckReader(random, bytes, i);
        }
    }

    [Fact]
    public void Random_valid_frames_round_trip_through_any_segmentation()
    {
        var random = new Random(3);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = ValidFrames(random, out var expected);
            var input = FetchTestBuffers.Split(bytes, FetchTestBuffers.RandomCuts(random, bytes.Length));
            var frames = FetchTestBuffers.ParseAll(FrameReader.Default, input, out var error, out var consumed);

            Assert.Equal(FrameError.None, error);
            Assert.Equal(bytes.Length, consumed);
            Assert.Equal(expected.Count, frames.Count);
            for (var f = 0; f < frames.Count; f++)
            {
                Assert.Equal(expected[f].Header, frames[f].Header);
                Assert.Equal(expected[f].Payload, frames[f].Payload);
                Assert.Equal(FrameError.None, DecodePayload(frames[f].Header.Type, frames[f].Payload));
            }
        }
    }

    [Fact]
    public void Payload_codecs_survive_random_bytes_and_accept_only_canonical_encodings()
    {
        var random = new Random(4);
        for (var i = 0; i < Cases; i++)
        {
            // Biased towards the shapes the codecs look for, so the deep checks get exercised too.
            var fetch = RandomBytes(random, random.Next(3) == 0 ? FetchRequest.Size : random.Next(0, 100));
            DecodePayload(FrameType.Fetch, fetch);

            var meta = RandomBytes(random, random.Next(0, FetchMeta.MaxSize + 10));
            if (meta.Length > 0)
            {
                meta[0] = (byte)random.Next(0, 7);
            }

            if (meta.Length > FetchMeta.OkFixedSize && random.Next(2) == 0)
            {
                meta[FetchMeta.OkFixedSize] = (byte)(meta.Length - FetchMeta.OkMinSize);
                for (var b = FetchMeta.OkMinSize; b < meta.Length; b++)
                {
                    meta[b] = random.Next(100) == 0 ? (byte)random.Next(256) : (byte)random.Next(0x20, 0x7F);
                }
            }

            if (meta.Length > FetchMeta.OkFixedSize && random.Next(3) != 0)
            {
                // Ranges on either side of the blob's end, so the range check is what decides.
                meta[0] = (byte)MetaStatus.Ok;
                meta[41] = (byte)random.Next(0, 0x81);
                var total = random.NextInt64(0, 1L << 40);
                var offset = random.NextInt64(0, total + 2);
                BinaryPrimitives.WriteInt64BigEndian(meta.AsSpan(1), total);
                BinaryPrimitives.WriteInt64BigEndian(meta.AsSpan(49), offset);
                BinaryPrimitives.WriteInt64BigEndian(meta.AsSpan(57), random.NextInt64(0, Math.Max(0, total - offset) + 2));
            }

            DecodePayload(FrameType.Meta, meta);

            var goAway = RandomBytes(random, random.Next(0, GoAway.MaxSize + 10));
            if (goAway.Length > 0)
            {
                goAway[0] = (byte)random.Next(0, 7);
                if (random.Next(2) == 0)
                {
                    for (var b = 1; b < goAway.Length; b++)
                    {
                        goAway[b] = (byte)random.Next(0x20, 0x7F);
                    }
                }
            }

            DecodePayload(FrameType.GoAway, goAway);
        }
    }

    [Fact]
    public void Random_valid_payloads_round_trip()
    {
        var random = new Random(5);
        Span<byte> buffer = stackalloc byte[GoAway.MaxSize];
        for (var i = 0; i < Cases; i++)
        {
            var request = new FetchRequest(new FetchCapability(RandomBytes(random, 32)), RandomULong(random), RandomULong(random));
            var written = request.Write(buffer);
            Assert.True(FetchRequest.TryRead(buffer[..written].ToArray(), out var readRequest, out _));
            Assert.Equal(request, readRequest);

            var total = random.NextInt64(0, long.MaxValue);
            var offset = random.NextInt64(0, total + 1);
            var length = random.NextInt64(0, total - offset + 1);
            var mime = RandomPrintable(random, random.Next(0, FrameLimits.MaxMimeHintLength + 1));
            var hash = new Bytes32(RandomBytes(random, 32));
            var expiry = random.NextInt64(0, long.MaxValue);
            var meta = new FetchMeta(total, hash, expiry, offset, length, mime);
            written = meta.Write(buffer);
            Assert.True(FetchMeta.TryRead(buffer[..written].ToArray(), out var readMeta, out _));
            Assert.Equal((total, expiry, offset, length), (readMeta.TotalSize, readMeta.TransitExpiryMs, readMeta.Offset, readMeta.Length));
            Assert.Equal(hash, readMeta.PayloadHash);
            Assert.True(readMeta.MimeHint.SequenceEqual(mime));

            var reason = Encoding.UTF8.GetBytes(new string((char)random.Next(0x20, 0x3000), random.Next(0, 80)));
            var code = (GoAwayCode)random.Next(0, 5);
            written = new GoAway(code, reason).Write(buffer);
            Assert.True(GoAway.TryRead(buffer[..written].ToArray(), out var readGoAway, out _));
            Assert.Equal(code, readGoAway.Code);
            Assert.True(readGoAway.Reason.SequenceEqual(reason));
        }
    }

    [Fact]
    public void Receipt_parser_survives_random_bytes()
    {
        var random = new Random(6);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = RandomBytes(random, random.Next(0, ResponsibilityReceipt.MaxSize + 20));
            if (bytes.Length > ResponsibilityReceipt.FixedSize + 1 && random.Next(2) == 0)
            {
                // A plausible shape: version 1, length bytes that fit, sane numbers.
                bytes[0] = 1;
                bytes[65] = bytes[73] = bytes[81] = 0;
                var room = bytes.Length - ResponsibilityReceipt.FixedSize - 2 - Ed25519.SignatureSize;
                var n = room > 0 ? random.Next(0, room + 1) : 0;
                bytes[ResponsibilityReceipt.FixedSize] = (byte)Math.Min(n, 255);
                var second = ResponsibilityReceipt.FixedSize + 1 + bytes[ResponsibilityReceipt.FixedSize];
                if (second < bytes.Length)
                {
                    bytes[second] = (byte)Math.Clamp(room - n, 0, 255);
                }
            }

            Assert.False(ResponsibilityReceipt.TryParse(bytes, out var receipt, out var error));
            Assert.NotEqual(ReceiptError.None, error);
            Assert.Equal(default, receipt);
        }
    }

    [Fact]
    public void Mutated_receipts_never_verify_and_valid_ones_round_trip()
    {
        var random = new Random(7);
        using var gateway = DomainKeySet.FromSecrets("gw.example", RandomBytes(random, 32), new byte[32], DateTimeOffset.UnixEpoch);
        var buffer = new byte[ResponsibilityReceipt.MaxSize];
        for (var i = 0; i < Cases; i++)
        {
            var accepted = random.NextInt64(0, long.MaxValue - 1);
            var receipt = new ResponsibilityReceipt(
                new MessageId(RandomBytes(random, 32)),
                new Bytes32(RandomBytes(random, 32)),
                random.NextInt64(0, long.MaxValue),
                accepted,
                random.NextInt64(accepted + 1, long.MaxValue),
                new Bytes32(gateway.SigningPublicKey),
                RandomDomain(random),
                gateway.Domain);
            var length = receipt.Sign(gateway, buffer);
            var bytes = buffer[..length];
            Assert.True(ResponsibilityReceipt.TryParse(bytes, out var parsed, out _));
            Assert.Equal(receipt, parsed);

            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            }

            if (random.Next(4) == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }

            if (bytes.Length == length && buffer.AsSpan(0, length).SequenceEqual(bytes))
            {
                continue; // the mutations cancelled out
            }

            Assert.False(ResponsibilityReceipt.TryParse(bytes, out _, out var error), $"case {i}");
            Assert.NotEqual(ReceiptError.None, error);
        }
    }

    /// <summary>Parses whole and split; both must agree, and accepted payloads must decode without throwing.</summary>
    private static void CheckReader(Random random, byte[] bytes, int i)
    {
        var reader = random.Next(3) == 0 ? new FrameReader(random.Next(FrameLimits.MaxControlPayloadSize, 2000), random.Next(2) == 0) : FrameReader.Default;
        var whole = FetchTestBuffers.ParseAll(reader, new ReadOnlySequence<byte>(bytes), out var wholeError, out var wholeConsumed);
        var split = FetchTestBuffers.ParseAll(reader, FetchTestBuffers.Split(bytes, FetchTestBuffers.RandomCuts(random, bytes.Length)), out var splitError, out var splitConsumed);

        Assert.True(wholeError == splitError, $"case {i}");
        Assert.Equal(wholeConsumed, splitConsumed);
        Assert.Equal(whole.Count, split.Count);
        for (var f = 0; f < whole.Count; f++)
        {
            Assert.Equal(whole[f].Header, split[f].Header);
            Assert.Equal(whole[f].Payload, split[f].Payload);
            Assert.True(whole[f].Header.Length <= (uint)reader.MaxPayloadSize);
            DecodePayload(whole[f].Header.Type, whole[f].Payload);
        }
    }

    /// <summary>Decodes a payload; an accepted one must re-encode to the same bytes, a refused one must say why.</summary>
    private static FrameError DecodePayload(FrameType type, byte[] payload)
    {
        Span<byte> again = stackalloc byte[GoAway.MaxSize];
        bool ok;
        FrameError error;
        switch (type)
        {
            case FrameType.Fetch:
                ok = FetchRequest.TryRead(payload, out var request, out error);
                if (ok)
                {
                    Assert.True(again[..request.Write(again)].SequenceEqual(payload));
                }

                break;
            case FrameType.Meta:
                ok = FetchMeta.TryRead(payload, out var meta, out error);
                if (ok)
                {
                    Assert.True(again[..meta.Write(again)].SequenceEqual(payload));
                }

                break;
            case FrameType.GoAway:
                ok = GoAway.TryRead(payload, out var goAway, out error);
                if (ok)
                {
                    Assert.True(again[..goAway.Write(again)].SequenceEqual(payload));
                }

                break;
            default:
                return FrameError.None;
        }

        Assert.Equal(ok, error == FrameError.None);
        return error;
    }

    /// <summary>
    /// A header of interesting values followed by a payload that may be shorter or longer than it says. Mostly
    /// consistent with its type (stream, flags, a meta's status and hint length), so the reader and the payload
    /// codecs get past their first check; sometimes anything.
    /// </summary>
    private static byte[] PlausibleFrame(Random random)
    {
        var type = (FrameType)InterestingTypes[random.Next(InterestingTypes.Length)];
        var wild = random.Next(4) == 0;
        var length = random.Next(3) switch
        {
            0 => InterestingLengths[random.Next(InterestingLengths.Length)],
            1 => (uint)random.Next(0, 300),
            _ => (uint)Math.Max(0, TypicalLength(type, random) + random.Next(-1, 2)),
        };
        var payloadBytes = random.Next(4) == 0 ? random.Next(0, 300) : (int)length + random.Next(-2, 3);
        var bytes = RandomBytes(random, FrameHeader.Size + Math.Max(0, payloadBytes));
        var isStream = type is FrameType.Fetch or FrameType.Meta or FrameType.Data or FrameType.Cancel;
        var stream = wild ? (uint)random.Next() : isStream ? (uint)random.Next(1, 4) : 0u;
        var flags = wild ? (byte)random.Next(256) : (byte)random.Next(0, type == FrameType.Fetch ? 4 : 2);
        new FrameHeader(length, stream, type, (FrameFlags)flags).Write(bytes);
        var payload = bytes.AsSpan(FrameHeader.Size);
        if (!payload.IsEmpty && !wild)
        {
            payload[0] = (byte)random.Next(0, 6);
            if (type == FrameType.Meta && payload.Length > FetchMeta.OkFixedSize)
            {
                payload[0] = 0;
                payload[1] = payload[41] = payload[49] = payload[57] = 0;
                payload[FetchMeta.OkFixedSize] = (byte)Math.Max(0, (int)length - FetchMeta.OkMinSize + random.Next(-1, 2));
                for (var b = FetchMeta.OkMinSize; b < payload.Length; b++)
                {
                    payload[b] = (byte)random.Next(0x1F, 0x80);
                }
            }
            else if (type == FrameType.GoAway)
            {
                for (var b = 1; b < payload.Length; b++)
                {
                    payload[b] = (byte)random.Next(0x20, 0x81);
                }
            }
        }

        return bytes;
    }

    private static int TypicalLength(FrameType type, Random random) => type switch
    {
        FrameType.Fetch => FetchRequest.Size,
        FrameType.Meta => random.Next(2) == 0 ? FetchMeta.FailureSize : random.Next(FetchMeta.OkMinSize, FetchMeta.MaxSize + 1),
        FrameType.GoAway => random.Next(GoAway.MinSize, GoAway.MaxSize + 1),
        FrameType.Ping or FrameType.Pong => FrameLimits.PingPayloadSize,
        FrameType.Data or FrameType.Descriptor => random.Next(0, 200),
        _ => 0,
    };

    /// <summary>One to five random valid frames, written by <see cref="FrameWriter"/>, and what they should read back as.</summary>
    private static byte[] ValidFrames(Random random, out List<(FrameHeader Header, byte[] Payload)> frames)
    {
        var output = new ArrayBufferWriter<byte>();
        var count = random.Next(1, 6);
        for (var i = 0; i < count; i++)
        {
            var stream = (uint)random.Next(1, int.MaxValue);
            var end = random.Next(2) == 0;
            switch (random.Next(9))
            {
                case 0:
                    FrameWriter.WriteFetch(output, stream, new FetchRequest(new FetchCapability(RandomBytes(random, 32)), RandomULong(random), RandomULong(random)), end);
                    break;
                case 1:
                    var total = random.NextInt64(0, 1L << 40);
                    var offset = random.NextInt64(0, total + 1);
                    FrameWriter.WriteMeta(output, stream, new FetchMeta(total, new Bytes32(RandomBytes(random, 32)), random.NextInt64(0, long.MaxValue), offset, total - offset, RandomPrintable(random, random.Next(0, 128))), end);
                    break;
                case 2:
                    FrameWriter.WriteMeta(output, stream, FetchMeta.Failure((MetaStatus)random.Next(1, 5)), end);
                    break;
                case 3:
                    FrameWriter.WriteData(output, stream, RandomBytes(random, random.Next(0, 600)), end);
                    break;
                case 4:
                    FrameWriter.WriteCancel(output, stream);
                    break;
                case 5:
                    FrameWriter.WriteGoAway(output, new GoAway((GoAwayCode)random.Next(0, 5), RandomPrintable(random, random.Next(0, 257))));
                    break;
                case 6:
                    FrameWriter.WriteDescriptorRequest(output);
                    break;
                case 7:
                    FrameWriter.WriteDescriptor(output, RandomBytes(random, random.Next(1, 700)));
                    break;
                default:
                    if (random.Next(2) == 0)
                    {
                        FrameWriter.WritePing(output, RandomULong(random));
                    }
                    else
                    {
                        FrameWriter.WritePong(output, RandomULong(random));
                    }

                    break;
            }
        }

        var bytes = output.WrittenSpan.ToArray();
        frames = [];
        var position = 0;
        while (position < bytes.Length)
        {
            FrameHeader.TryRead(bytes.AsSpan(position), out var header);
            frames.Add((header, bytes.AsSpan(position + FrameHeader.Size, (int)header.Length).ToArray()));
            position += FrameHeader.Size + (int)header.Length;
        }

        return bytes;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] RandomPrintable(Random random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.Next(0x20, 0x7F);
        }

        return bytes;
    }

    private static ulong RandomULong(Random random)
    {
        Span<byte> bytes = stackalloc byte[8];
        random.NextBytes(bytes);
        return random.Next(4) == 0 ? FetchRequest.ToEnd : BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    private static string RandomDomain(Random random)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        var labels = new string[random.Next(1, 4)];
        for (var l = 0; l < labels.Length; l++)
        {
            var chars = new char[random.Next(1, 21)];
            for (var c = 0; c < chars.Length; c++)
            {
                var inner = c > 0 && c < chars.Length - 1;
                chars[c] = inner && random.Next(8) == 0 ? '-' : Letters[random.Next(Letters.Length)];
            }

            labels[l] = new string(chars);
        }

        return string.Join('.', labels);
    }
}
