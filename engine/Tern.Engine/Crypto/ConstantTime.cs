using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>Comparisons of secrets (capabilities, MACs) whose time does not depend on the contents.</summary>
public static class ConstantTime
{
    /// <summary>True when both spans have the same length and bytes; runs in time independent of where they differ.</summary>
    public static bool Equals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
        => CryptographicOperations.FixedTimeEquals(left, right);
}
