using BenchmarkDotNet.Attributes;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Bench;

/// <summary>
/// Sealing a notification datagram: one record and a full datagram (8 records, 1 073 bytes). The baseline
/// is the bare XChaCha20-Poly1305 seal of a body of the same size, so the ratio is the codec's overhead.
/// </summary>
[MemoryDiagnoser]
public class NotificationSealBenchmarks
{
    private readonly byte[] _datagram = new byte[NotificationLimits.MaxDatagramSize];
    private readonly byte[] _key = new byte[NotificationKey.Size];
    private readonly byte[] _senderKey = new byte[32];
    private readonly byte[] _nonce = new byte[24];
    private readonly byte[] _domain = "a.example"u8.ToArray();
    private readonly byte[] _mime = "message/822"u8.ToArray();
    private readonly byte[] _hints = FetchHintList.Encode(["https://node.a.example:7443"]);
    private readonly FetchCapability _capability = FetchCapability.NewRandom();
    private readonly RecipientHash _recipient = RecipientHash.NewRandom();
    private readonly Bytes32 _payloadHash = Bytes32.Random();
    private int _bodyLength;

    /// <summary>Records per datagram: 1 or a full datagram.</summary>
    [Params(1, 8)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        SecureRandom.Fill(_key);
        SecureRandom.Fill(_senderKey);
        SecureRandom.Fill(_nonce);
        _bodyLength = SealDatagram() - NotificationLimits.HeaderSize - NotificationLimits.TagSize;
    }

    [Benchmark(Baseline = true, Description = "raw XChaCha20-Poly1305 seal, same size")]
    public void RawAead()
        => XChaCha20Poly1305.Seal(_key, _nonce, _datagram.AsSpan(NotificationLimits.HeaderSize, _bodyLength), _datagram.AsSpan(0, NotificationLimits.HeaderSize),
            _datagram.AsSpan(NotificationLimits.HeaderSize, _bodyLength + NotificationLimits.TagSize));

    [Benchmark(Description = "seal datagram (records + nonce + AEAD)")]
    public int Seal() => SealDatagram();

    private int SealDatagram()
    {
        FetchHintList.TryCreate(_hints, out var hints);
        var writer = new DatagramWriter(_datagram, DatagramType.Notification, _senderKey, 1_790_000_000_000);
        for (var i = 0; i < Records; i++)
        {
            writer.TryAdd(new NotificationRecord(_capability, _recipient, 1_790_086_400_000, 1024, _payloadHash, 1, NotificationFlags.None, _domain, _mime, hints));
        }

        return writer.Seal(_key);
    }
}
