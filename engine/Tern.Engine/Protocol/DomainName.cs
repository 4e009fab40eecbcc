using System.Text;

namespace Tern.Engine.Protocol;

/// <summary>Domain names as the protocol carries them: ASCII (A-labels), lower-case, 1–253 bytes (docs/PROTOCOL.md §2.4).</summary>
public static class DomainName
{
    /// <summary>Longest domain name in bytes.</summary>
    public const int MaxLength = 253;

    /// <summary>Lower-cases and validates a domain name, throwing an error that says what is wrong.</summary>
    public static string Normalize(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var lower = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (!IsValid(Encoding.ASCII.GetBytes(lower)) || lower.Any(c => c > 127))
        {
            throw new ArgumentException($"'{domain}' is not a valid domain name (ASCII letters, digits, '-' and '.', labels of 1–63, at most 253 bytes).", nameof(domain));
        }

        return lower;
    }

    /// <summary>True when <paramref name="name"/> is a lower-case LDH domain name in wire form.</summary>
    public static bool IsValid(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxLength)
        {
            return false;
        }

        var labelLength = 0;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == (byte)'.')
            {
                if (labelLength == 0 || name[i - 1] == (byte)'-')
                {
                    return false;
                }

                labelLength = 0;
                continue;
            }

            var isLetterOrDigit = c is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9';
            if (!isLetterOrDigit && !(c == (byte)'-' && labelLength > 0))
            {
                return false;
            }

            if (++labelLength > 63)
            {
                return false;
            }
        }

        return labelLength > 0 && name[^1] != (byte)'-';
    }
}
