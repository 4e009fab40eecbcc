namespace Tern.Engine.Crypto;

/// <summary>libsodium's CSPRNG (<c>randombytes_buf</c>): the only source of keys, nonces, IDs and capabilities.</summary>
public static unsafe class SecureRandom
{
    /// <summary>Fills <paramref name="destination"/> with cryptographically secure random bytes.</summary>
    public static void Fill(Span<byte> destination)
    {
        Sodium.EnsureInitialized();
        fixed (byte* p = destination)
        {
            SodiumNative.randombytes_buf(p, (nuint)destination.Length);
        }
    }
}
