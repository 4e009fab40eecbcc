using System.Text;
using System.Text.Json;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Events;

/// <summary>
/// The <c>received</c> events of a user's log as the listing of references across all their hashes reads them
/// (docs/C2S.md §7): the log is the user's merged order of what arrived, so its sequence is that listing's cursor.
/// </summary>
internal static class ReceivedEvents
{
    private static ReadOnlySpan<byte> TypeName => "type"u8;

    private static ReadOnlySpan<byte> CapabilityName => "capability"u8;

    /// <summary>
    /// The capability of a <c>received</c> event, read from its stored JSON without building the event; false for any
    /// other type (or a line that does not parse, which the log never holds).
    /// </summary>
    public static bool TryCapability(ReadOnlySpan<byte> json, out FetchCapability capability)
    {
        capability = default;
        var received = false;
        var found = false;
        Span<char> text = stackalloc char[64];
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals(TypeName);
                var isCapability = !isType && reader.ValueTextEquals(CapabilityName);
                reader.Read();
                if (isType)
                {
                    if (!reader.ValueTextEquals(UserEvents.Received))
                    {
                        return false;
                    }

                    received = true;
                }
                else if (isCapability && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= text.Length)
                {
                    var length = Encoding.ASCII.GetChars(reader.ValueSpan, text);
                    found = FetchCapability.TryParse(text[..length], out capability);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }

        return received && found;
    }

    /// <summary><c>received</c> for a reference the table held before the user registered its hash: told at the registration.</summary>
    public static UserEvent Of(RecipientHash hash, PendingReference reference) => new()
    {
        Type = UserEvents.Received,
        Hash = hash.ToString(),
        Capability = reference.Capability.ToString(),
        SenderDomain = reference.SenderDomain,
        Size = reference.PayloadSize,
        PayloadHash = reference.PayloadHash.ToString(),
        MimeHint = reference.MimeHint,
        Expires = Http.Wire.Time(reference.TransitExpiryMs),
    };
}
