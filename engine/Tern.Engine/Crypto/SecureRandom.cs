using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>The operating system's CSPRNG (<c>getrandom</c>, through .NET): the only source of keys, nonces, IDs and capabilities.</summary>
public static class SecureRandom
{
    /// <summary>Fills <paramref name="destination"/> with cryptographically secure random bytes.</summary>
    public static void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
