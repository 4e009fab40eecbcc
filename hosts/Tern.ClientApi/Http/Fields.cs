using System.Globalization;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Http;

/// <summary>Parsers of the route and query values: each returns false (the route answers a problem naming the field) rather than throwing.</summary>
internal static class Fields
{
    public static bool TryDomain(string? text, out string domain)
    {
        domain = "";
        if (string.IsNullOrEmpty(text) || text.Length > DomainName.MaxLength + 1)
        {
            return false;
        }

        try
        {
            domain = DomainName.Normalize(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A recipient, <c>hash@domain</c> (the hash base64url, 43 characters).</summary>
    public static bool TryRecipient(string? text, out RecipientHash hash, out string domain)
    {
        hash = default;
        domain = "";
        var at = text?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        return at > 0 && RecipientHash.TryParse(text.AsSpan(0, at), out hash) && TryDomain(text![(at + 1)..], out domain);
    }

    public static bool TryCursor(string? text, out ulong cursor)
    {
        cursor = 0;
        return string.IsNullOrEmpty(text) || ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cursor);
    }

    /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static bool TryInt(string? text, int min, int max, int fallback, out int value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text) || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }

    /// <summary>An RFC 3339 time with an offset (<c>2026-12-07T12:00:00Z</c>).</summary>
    public static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && (text.EndsWith('Z') || text.EndsWith('z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 10);
}
