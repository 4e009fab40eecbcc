using System.Buffers.Text;
using System.Text.Json;

namespace Tern.Vectors;

/// <summary>text-forms.json: which base64url texts (§2.3) and which TXT values (§6.3) a verifier accepts.</summary>
internal static class TextFormVectors
{
    public const string FileName = "text-forms.json";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private const string Description =
        "Text forms (PROTOCOL.md §2.3, §6.3). \"base64url\": texts a decoder expecting \"length\" bytes must accept (\"valid\", with "
        + "the bytes in hex, of which the text is the only encoding) or refuse (\"why\" says what is wrong). \"txt\": values of the "
        + "TXT record at _tern.<domain> (character-strings already joined) with the verdict a verifier reaches: \"valid\" with the "
        + "fingerprints it trusts, in order, or one of not_tern, unsupported_version, malformed, bad_fingerprint, no_fingerprint. "
        + "\"canonical\" marks the values a publisher writes. The fingerprints are a.example's and gw.example's of keys.json.";

    public static VectorFile Build(VectorKeys keys)
    {
        var fingerprint = keys.A.Fingerprint;
        var gateway = keys.Gateway.Fingerprint;
        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteStartArray("base64url");
            var fingerprintBytes = Base64Url.DecodeFromChars(fingerprint);
            var ones = Enumerable.Repeat((byte)0xff, 32).ToArray();
            var wide = VectorInputs.Run(0x00, 64);
            var onesText = Base64Url.EncodeToString(ones);
            var wideText = Base64Url.EncodeToString(wide);
            Valid(json, fingerprintBytes);
            Valid(json, ones);
            Valid(json, wide);
            Invalid(json, 32, WithLastBitSet(fingerprint), "a non-zero unused bit in the last character");
            Invalid(json, 32, fingerprint + "=", "padding");
            Invalid(json, 32, onesText.Replace('_', '/'), "'/' of the standard alphabet instead of '_'");
            Invalid(json, 32, "+" + fingerprint[1..], "'+' of the standard alphabet");
            Invalid(json, 32, fingerprint[..20] + " " + fingerprint[20..], "a space inside");
            Invalid(json, 32, fingerprint + "\n", "a line break at the end");
            Invalid(json, 32, "%41" + fingerprint[1..], "percent-encoding");
            Invalid(json, 32, fingerprint[..42], "42 characters");
            Invalid(json, 32, fingerprint + "A", "44 characters");
            Invalid(json, 64, WithLastBitSet(wideText), "a non-zero unused bit in the last character (4 unused bits for 64 bytes)");
            json.WriteEndArray();

            json.WriteStartArray("txt");
            Txt(json, $"v=tern1; fp={fingerprint}", "valid", [fingerprint], canonical: true);
            Txt(json, $"v=tern1; fp={fingerprint}; fp={gateway}", "valid", [fingerprint, gateway], canonical: true);
            Txt(json, $"v=tern1;fp={fingerprint}", "valid", [fingerprint]);
            Txt(json, $" \tv = tern1 ;\r\n fp = {fingerprint} ; ", "valid", [fingerprint]);
            Txt(json, $"v=tern1;; note=a=b; FP=other; fp={fingerprint};", "valid", [fingerprint]);
            Txt(json, $"fp={fingerprint}; v=tern1", "not_tern", []);
            Txt(json, $"V=tern1; fp={fingerprint}", "not_tern", []);
            Txt(json, "v=spf1 -all", "unsupported_version", []);
            Txt(json, $"v=TERN1; fp={fingerprint}", "unsupported_version", []);
            Txt(json, $"v=tern1; v=tern1; fp={fingerprint}", "malformed", []);
            Txt(json, $"v=tern1; garbage; fp={fingerprint}", "malformed", []);
            Txt(json, $"v=tern1; fp={fingerprint[..20]} {fingerprint[20..]}", "bad_fingerprint", []);
            Txt(json, $"v=tern1; fp={WithLastBitSet(fingerprint)}", "bad_fingerprint", []);
            Txt(json, $"v=tern1; fp={fingerprint}; fp={gateway}=", "bad_fingerprint", []);
            Txt(json, "v=tern1; note=no key here", "no_fingerprint", []);
            json.WriteEndArray();
        });
    }

    /// <summary>The text with the lowest bit of its last character's value set: in the unused bits of a canonical text.</summary>
    private static string WithLastBitSet(string canonical)
        => canonical[..^1] + Alphabet[Alphabet.IndexOf(canonical[^1], StringComparison.Ordinal) | 1];

    private static void Valid(Utf8JsonWriter json, byte[] bytes)
    {
        json.WriteStartObject();
        json.WriteString("text", Base64Url.EncodeToString(bytes));
        json.WriteNumber("length", bytes.Length);
        json.WriteBoolean("valid", true);
        json.WriteHex("bytes", bytes);
        json.WriteEndObject();
    }

    private static void Invalid(Utf8JsonWriter json, int length, string text, string why)
    {
        json.WriteStartObject();
        json.WriteString("text", text);
        json.WriteNumber("length", length);
        json.WriteBoolean("valid", false);
        json.WriteString("why", why);
        json.WriteEndObject();
    }

    private static void Txt(Utf8JsonWriter json, string value, string verdict, string[] fingerprints, bool canonical = false)
    {
        json.WriteStartObject();
        json.WriteString("value", value);
        json.WriteString("verdict", verdict);
        json.WriteStrings("fingerprints", fingerprints);
        json.WriteBoolean("canonical", canonical);
        json.WriteEndObject();
    }
}
