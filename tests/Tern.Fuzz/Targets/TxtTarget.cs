using System.Text;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A <c>_tern</c> TXT value (docs/PROTOCOL.md §6.3), its character-strings concatenated, read as Latin-1 so every byte is
/// a character: <see cref="TernDnsRecords.ParseTxtValue"/>. A value that parses carries at least one fingerprint.
/// </summary>
internal sealed class TxtTarget : IFuzzTarget
{
    private char[] _text = new char[1024];

    public string Name => "txt";

    public string Covers => "DNS TXT values: TernDnsRecords.ParseTxtValue and canonical base64url fingerprints";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (_text.Length < input.Length)
        {
            _text = new char[Math.Max(input.Length, _text.Length * 2)];
        }

        var parsed = TernDnsRecords.ParseTxtValue(_text.AsSpan(0, Encoding.Latin1.GetChars(input, _text)));
        if ((parsed.Failure == TxtRecordFailure.None) != (parsed.Fingerprints.Count > 0))
        {
            throw new FuzzContractException($"{parsed.Failure} with {parsed.Fingerprints.Count} fingerprints");
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var value = VectorSeeds.Text(vectors.File("descriptor.json").GetProperty("dns"), "txt_value");
        yield return new Seed("txt-value", Encoding.Latin1.GetBytes(value));
        var forms = vectors.File("text-forms.json").GetProperty("txt");
        for (var i = 0; i < forms.GetArrayLength(); i++)
        {
            yield return new Seed("form-" + i, Encoding.Latin1.GetBytes(VectorSeeds.Text(forms[i], "value")));
        }

        yield return new Seed("two-fingerprints", Encoding.Latin1.GetBytes(" v = tern1 ;; fp=" + value[^43..] + "; x=y ;fp=" + value[^43..] + ";"));
    }
}
