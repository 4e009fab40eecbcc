using BenchmarkDotNet.Attributes;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Notification;

namespace Tern.Bench;

/// <summary>
/// The bare XChaCha20-Poly1305 seal and open, managed against libsodium over the same bytes: a one-record
/// datagram body (200 bytes) and a full one (1 100 bytes), each with the 58-byte datagram header as AD; and the
/// sender's per-peer key (an <see cref="XChaCha20Poly1305Key"/> state), whose HChaCha20 subkey is derived once per
/// nonce prefix. Public and not sealed: BenchmarkDotNet derives from benchmark classes and skips sealed ones.
/// </summary>
[MemoryDiagnoser]
public class AeadBenchmarks
{
    private readonly byte[] _key = new byte[XChaCha20Poly1305.KeySize];
    private readonly byte[] _nonce = new byte[XChaCha20Poly1305.NonceSize];
    private readonly byte[] _header = new byte[NotificationLimits.HeaderSize];
    private byte[] _plaintext = [];
    private byte[] _sealed = [];
    private byte[] _opened = [];
    private readonly byte[] _keptKey = new byte[XChaCha20Poly1305Key.StateSize];

    /// <summary>Plaintext bytes.</summary>
    [Params(200, 1100)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        SecureRandom.Fill(_key);
        SecureRandom.Fill(_nonce);
        SecureRandom.Fill(_header);
        _plaintext = new byte[Bytes];
        SecureRandom.Fill(_plaintext);
        _sealed = new byte[Bytes + XChaCha20Poly1305.TagSize];
        _opened = new byte[Bytes];
        XChaCha20Poly1305.SealNative(_key, _nonce, _plaintext, _header, _sealed);
        XChaCha20Poly1305Key.SetKey(_keptKey, _key);
    }

    [Benchmark(Baseline = true, Description = "libsodium seal")]
    public void SealNative() => XChaCha20Poly1305.SealNative(_key, _nonce, _plaintext, _header, _sealed);

    [Benchmark(Description = "managed seal")]
    public void SealManaged() => XChaCha20Poly1305Managed.Seal(_key, _nonce, _plaintext, _header, _sealed);

    [Benchmark(Description = "seal, subkey kept")]
    public void SealKept() => XChaCha20Poly1305Key.Seal(_keptKey, _nonce, _plaintext, _header, _sealed);

    [Benchmark(Description = "libsodium open")]
    public bool OpenNative() => XChaCha20Poly1305.TryOpenNative(_key, _nonce, _sealed, _header, _opened);

    [Benchmark(Description = "managed open")]
    public bool OpenManaged() => XChaCha20Poly1305Managed.TryOpen(_key, _nonce, _sealed, _header, _opened);
}
