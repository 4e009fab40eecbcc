using BenchmarkDotNet.Attributes;
using NSec.Cryptography;
using XChaCha20Poly1305 = Tern.Engine.Crypto.XChaCha20Poly1305;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Notification;

namespace Tern.Bench;

/// <summary>
/// The bare XChaCha20-Poly1305 seal and open over the same bytes three ways: Debian's libsodium 1.0.18 (what Tern called
/// before NSec; installed for this comparison only), NSec's API over the libsodium it ships, and Tern's managed code; plus
/// the sender's and the ingest's per-peer key (an <see cref="XChaCha20Poly1305Key"/> state, HChaCha20 subkey derived once
/// per nonce prefix: managed up to 512 bytes, NSec's libsodium IETF AEAD above). A one-record datagram body (200 bytes)
/// and a full one (1 100), each with the 58-byte datagram header as AD. Public and not sealed: BenchmarkDotNet derives
/// from benchmark classes and skips sealed ones.
/// </summary>
[MemoryDiagnoser]
public unsafe class AeadBenchmarks
{
    private readonly byte[] _key = new byte[XChaCha20Poly1305.KeySize];
    private readonly byte[] _nonce = new byte[XChaCha20Poly1305.NonceSize];
    private readonly byte[] _header = new byte[NotificationLimits.HeaderSize];
    private byte[] _plaintext = [];
    private byte[] _sealed = [];
    private byte[] _opened = [];
    private readonly byte[] _keptKey = new byte[XChaCha20Poly1305Key.StateSize];
    private Key? _nsecKey;

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
        _nsecKey = Key.Import(AeadAlgorithm.XChaCha20Poly1305, _key, KeyBlobFormat.RawSymmetricKey);
        XChaCha20Poly1305Key.SetKey(_keptKey, _key);
        if (DebianLibsodium.sodium_init() < 0)
        {
            throw new InvalidOperationException("Debian's libsodium did not initialise");
        }

        DebianSeal();
        var nsec = new byte[_sealed.Length];
        AeadAlgorithm.XChaCha20Poly1305.Encrypt(_nsecKey, _nonce, _header, _plaintext, nsec);
        if (!nsec.AsSpan().SequenceEqual(_sealed) || !OpenManaged())
        {
            throw new InvalidOperationException("the three paths disagree");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _nsecKey?.Dispose();

    [Benchmark(Baseline = true, Description = "Debian libsodium 1.0.18 seal")]
    public void DebianSeal()
    {
        fixed (byte* c = _sealed)
        fixed (byte* m = _plaintext)
        fixed (byte* ad = _header)
        fixed (byte* n = _nonce)
        fixed (byte* k = _key)
        {
            ulong length;
            _ = DebianLibsodium.crypto_aead_xchacha20poly1305_ietf_encrypt(c, &length, m, (ulong)_plaintext.Length, ad, (ulong)_header.Length, null, n, k);
        }
    }

    [Benchmark(Description = "NSec seal (its libsodium)")]
    public void NsecSeal() => AeadAlgorithm.XChaCha20Poly1305.Encrypt(_nsecKey!, _nonce, _header, _plaintext, _sealed);

    [Benchmark(Description = "managed seal")]
    public void SealManaged() => XChaCha20Poly1305Managed.Seal(_key, _nonce, _plaintext, _header, _sealed);

    [Benchmark(Description = "seal, subkey kept (Tern's per-peer key)")]
    public void SealKept() => XChaCha20Poly1305Key.Seal(_keptKey, _nonce, _plaintext, _header, _sealed);

    [Benchmark(Description = "Debian libsodium 1.0.18 open")]
    public bool DebianOpen()
    {
        fixed (byte* m = _opened)
        fixed (byte* c = _sealed)
        fixed (byte* ad = _header)
        fixed (byte* n = _nonce)
        fixed (byte* k = _key)
        {
            ulong length;
            return DebianLibsodium.crypto_aead_xchacha20poly1305_ietf_decrypt(m, &length, null, c, (ulong)_sealed.Length, ad, (ulong)_header.Length, n, k) == 0;
        }
    }

    [Benchmark(Description = "NSec open (its libsodium)")]
    public bool NsecOpen() => AeadAlgorithm.XChaCha20Poly1305.Decrypt(_nsecKey!, _nonce, _header, _sealed, _opened);

    [Benchmark(Description = "managed open")]
    public bool OpenManaged() => XChaCha20Poly1305Managed.TryOpen(_key, _nonce, _sealed, _header, _opened);

    [Benchmark(Description = "open, subkey kept (Tern's per-peer key)")]
    public bool OpenKept() => XChaCha20Poly1305Key.TryOpen(_keptKey, _nonce, _sealed, _header, _opened);
}
