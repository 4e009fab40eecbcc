using BenchmarkDotNet.Attributes;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Bench;

/// <summary>
/// Opening a datagram and reading every record (what ingest does per packet before the pending insert),
/// beside the bare AEAD open of the same bytes, and parse alone (header + body validation + records).
/// </summary>
[MemoryDiagnoser]
public class NotificationOpenBenchmarks
{
    private readonly byte[] _key = new byte[NotificationKey.Size];
    private readonly byte[] _plaintext = new byte[NotificationLimits.MaxBodySize];
    private byte[] _datagram = [];
    private byte[] _openedBody = [];

    /// <summary>Records per datagram: 1 or a full datagram.</summary>
    [Params(1, 8)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        SecureRandom.Fill(_key);
        var senderKey = new byte[32];
        SecureRandom.Fill(senderKey);
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        FetchHintList.TryCreate(FetchHintList.Encode(["https://node.a.example:7443"]), out var hints);
        var writer = new DatagramWriter(buffer, DatagramType.Notification, senderKey, 1_790_000_000_000);
        for (var i = 0; i < Records; i++)
        {
            writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), 1_790_086_400_000, 1024, Bytes32.Random(), 1,
                NotificationFlags.None, "a.example"u8, "message/822"u8, hints));
        }

        _datagram = buffer[..writer.Seal(_key)];
        DatagramHeader.TryRead(_datagram, out var header);
        if (DatagramBody.TryOpen(header, _key, _plaintext, out _) != DropReason.None)
        {
            throw new InvalidOperationException("setup datagram does not open");
        }

        _openedBody = _plaintext[..header.BodyLength];
    }

    [Benchmark(Baseline = true, Description = "raw XChaCha20-Poly1305 open, same size")]
    public bool RawAead()
        => XChaCha20Poly1305.TryOpen(_key, _datagram.AsSpan(34, 24), _datagram.AsSpan(NotificationLimits.HeaderSize), _datagram.AsSpan(0, NotificationLimits.HeaderSize),
            _plaintext.AsSpan(0, _datagram.Length - NotificationLimits.HeaderSize - NotificationLimits.TagSize));

    [Benchmark(Description = "open datagram + read records")]
    public long Open()
    {
        DatagramHeader.TryRead(_datagram, out var header);
        DatagramBody.TryOpen(header, _key, _plaintext, out var body);
        long sum = 0;
        foreach (var record in body.Notifications)
        {
            sum += record.PayloadSize;
        }

        return sum;
    }

    [Benchmark(Description = "parse only (validate body + read records)")]
    public long Parse()
    {
        DatagramBody.TryParse(DatagramType.Notification, _openedBody, out var body);
        long sum = 0;
        foreach (var record in body.Notifications)
        {
            sum += record.PayloadSize;
        }

        return sum;
    }
}
