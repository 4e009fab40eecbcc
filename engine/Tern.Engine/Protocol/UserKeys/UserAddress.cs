using System.Text;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.UserKeys;

/// <summary>
/// A user's address as key records and envelopes carry it: <c>local@domain</c>, lower-case ASCII, at most 255 bytes
/// (docs/PROTOCOL.md §14.1), and the address hash a key lookup asks by.
/// </summary>
public static class UserAddress
{
    /// <summary>Longest address in bytes: it travels as a short string.</summary>
    public const int MaxLength = 255;

    /// <summary>Longest local part in bytes.</summary>
    public const int MaxLocalLength = 64;

    /// <summary>The context label of the address hash (§14.4).</summary>
    public static ReadOnlySpan<byte> HashContext => "tern/v1/user-address"u8;

    /// <summary>
    /// True when <paramref name="address"/> is <c>local@domain</c>: a local part of 1–64 bytes of <c>a-z 0-9 . _ - +</c>
    /// starting with a letter or digit, one <c>@</c>, and a valid domain name (§2.4), 255 bytes at most in all.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> address)
    {
        var at = address.IndexOf((byte)'@');
        if (address.Length > MaxLength || at is < 1 or > MaxLocalLength || !IsAlphanumeric(address[0]))
        {
            return false;
        }

        foreach (var b in address[..at])
        {
            if (!IsAlphanumeric(b) && b is not ((byte)'.' or (byte)'_' or (byte)'-' or (byte)'+'))
            {
                return false;
            }
        }

        return DomainName.IsValid(address[(at + 1)..]);
    }

    /// <summary>Lower-cases and validates an address, throwing an error that says what is wrong.</summary>
    public static string Normalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var lower = address.Trim().ToLowerInvariant();
        if (lower.Any(c => c > 127) || !IsValid(Encoding.ASCII.GetBytes(lower)))
        {
            throw new ArgumentException($"'{address}' is not a valid user address (local@domain: a local part of 1–64 of a-z 0-9 . _ - + starting with a letter or digit, a valid domain, 255 bytes at most).", nameof(address));
        }

        return lower;
    }

    /// <summary>The domain part of a valid address.</summary>
    public static string DomainOf(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];
    }

    /// <summary>
    /// The address hash a lookup asks by (§14.4): <c>H(key = "tern/v1/user-address", msg = address)</c>, so that an
    /// address does not appear in URLs, logs and proxies on the way.
    /// </summary>
    public static Bytes32 Hash(string address)
    {
        var bytes = Encoding.ASCII.GetBytes(Normalize(address));
        Span<byte> hash = stackalloc byte[Blake2b.HashSize];
        Blake2b.Hash(bytes, hash, HashContext);
        return new Bytes32(hash);
    }

    private static bool IsAlphanumeric(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9';
}
