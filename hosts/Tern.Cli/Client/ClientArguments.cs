using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Tern.Cli.Client;

/// <summary>
/// Checks on the client commands' values at parse time, so a bad value is a usage error (exit 2) naming the option
/// before anything is sent. Identifiers are 43 characters of base64url (docs/CLIENT-API.md, Encodings).
/// </summary>
internal static class ClientArguments
{
    public const int IdentifierLength = 43;

    public static bool IsIdentifier(string value)
    {
        if (value.Length != IdentifierLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    public static Argument<string> Identifier(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description };
        argument.Validators.Add(result => CheckIdentifier(result, name));
        return argument;
    }

    public static void CheckIdentifier(SymbolResult result, string name)
    {
        foreach (var token in result.Tokens)
        {
            if (!IsIdentifier(token.Value))
            {
                result.AddError($"{name} '{token.Value}': not an identifier (43 characters of base64url)");
            }
        }
    }

    /// <summary>A recipient, <c>&lt;hash&gt;@&lt;domain&gt;</c>.</summary>
    public static void CheckRecipients(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            var at = token.Value.IndexOf('@', StringComparison.Ordinal);
            if (at < 0 || at == token.Value.Length - 1
                || !(IsIdentifier(token.Value[..at]) || Engine.Protocol.UserKeys.UserAddress.IsValid(System.Text.Encoding.UTF8.GetBytes(token.Value.ToLowerInvariant()))))
            {
                result.AddError($"--to '{token.Value}': a recipient is <hash>@<domain> (the hash 43 characters of base64url) or a user's address, local@domain");
            }
        }
    }

    /// <summary>True when <paramref name="recipient"/> names a user by address (local@domain) rather than by recipient hash.</summary>
    public static bool IsAddress(string recipient)
    {
        var at = recipient.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && !IsIdentifier(recipient[..at]);
    }

    /// <summary>An expiry: an RFC 3339 time, or a duration from now such as 90m, 12h or 7d.</summary>
    public static DateTimeOffset? ParseExpiry(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? span = text[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } duration && amount < 100_000)
            {
                return DateTimeOffset.UtcNow + duration;
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && text.Contains('T', StringComparison.Ordinal))
        {
            return time.ToUniversalTime();
        }

        result.AddError($"--expires '{text}': give an RFC 3339 time (2026-12-13T00:00:00Z) or a duration (90m, 12h, 7d)");
        return null;
    }

    public static void CheckRange(OptionResult result, string name, long min, long max)
    {
        foreach (var token in result.Tokens)
        {
            if (!long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                result.AddError($"{name} '{token.Value}': a whole number from {min} to {max}");
            }
        }
    }

    public static string Query(string name, string value) => $"{name}={Uri.EscapeDataString(value)}";
}
