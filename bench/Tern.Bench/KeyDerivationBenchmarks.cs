using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using NSec.Cryptography;
using Tern.Engine.Protocol.Notification;

namespace Tern.Bench;

/// <summary>
/// The cold-key derivation (docs/PROTOCOL.md §4.3: X25519, then BLAKE2b-256 keyed with the shared secret over
/// "tern/v1/notify" and both public keys) three ways: through NSec's API, which holds the private key, the shared
/// secret and the MAC key each in its own sodium_malloc'ed memory (a mapping between guard pages, created and freed per
/// derivation); Tern's, the same two libsodium functions on spans in NSec's bundled build with the private key copied out
/// of its NSec key for the call; and the two functions in Debian's 1.0.18.
/// </summary>
[MemoryDiagnoser]
public unsafe class KeyDerivationBenchmarks
{
    private readonly byte[] _ownSecret = new byte[32];
    private readonly byte[] _ownPublic = new byte[32];
    private readonly byte[] _peerPublic = new byte[32];
    private readonly byte[] _message = new byte[14 + 32 + 32];
    private readonly byte[] _key = new byte[32];
    private Key? _own;

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_ownSecret);
        _own = Key.Import(KeyAgreementAlgorithm.X25519, _ownSecret, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        _own.PublicKey.Export(KeyBlobFormat.RawPublicKey).CopyTo(_ownPublic, 0);
        using var peer = Key.Create(KeyAgreementAlgorithm.X25519);
        peer.PublicKey.Export(KeyBlobFormat.RawPublicKey).CopyTo(_peerPublic, 0);
        "tern/v1/notify"u8.CopyTo(_message);
        _peerPublic.CopyTo(_message, 14);
        _ownPublic.CopyTo(_message, 46);
        _ = DebianLibsodium.sodium_init();
    }

    [GlobalCleanup]
    public void Cleanup() => _own?.Dispose();

    [Benchmark(Baseline = true, Description = "Debian libsodium 1.0.18 on spans")]
    public void Debian()
    {
        Span<byte> shared = stackalloc byte[32];
        fixed (byte* q = shared)
        fixed (byte* n = _ownSecret)
        fixed (byte* p = _peerPublic)
        fixed (byte* m = _message)
        fixed (byte* k = _key)
        {
            if (DebianLibsodium.crypto_scalarmult(q, n, p) != 0 || DebianLibsodium.crypto_generichash(k, 32, m, (ulong)_message.Length, q, 32) != 0)
            {
                throw new CryptographicException();
            }
        }

        CryptographicOperations.ZeroMemory(shared);
    }

    [Benchmark(Description = "NSec API (Key, PublicKey, SharedSecret, Blake2bMac key)")]
    public void Nsec()
    {
        var peer = PublicKey.Import(KeyAgreementAlgorithm.X25519, _peerPublic, KeyBlobFormat.RawPublicKey);
        using var shared = KeyAgreementAlgorithm.X25519.Agree(_own!, peer, new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport })
            ?? throw new CryptographicException();
        Span<byte> raw = stackalloc byte[32];
        shared.TryExport(SharedSecretBlobFormat.RawSharedSecret, raw, out _);
        var mac = new Blake2bMac(32, 32);
        using var macKey = Key.Import(mac, raw, KeyBlobFormat.RawSymmetricKey);
        CryptographicOperations.ZeroMemory(raw);
        mac.Mac(macKey, _message, _key);
    }

    [Benchmark(Description = "Tern: NSec key, libsodium on spans (NotificationKey)")]
    public bool Tern() => NotificationKey.TryDerive(_own!, _ownPublic, _peerPublic, sending: false, _key);
}
