using System.Buffers.Text;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Fuzz.Targets;

/// <summary>
/// The descriptor JSON inside a signed document (docs/PROTOCOL.md §6.1): the input is the descriptor's bytes, which the
/// target signs with a.example's key and wraps in a document before <see cref="SignedDescriptor.Verify"/>, so mutations
/// reach the field rules and the checks after the signature instead of failing at it.
/// </summary>
internal sealed class DescriptorTarget : IFuzzTarget
{
    private static ReadOnlySpan<byte> Open => "{\"descriptor\":\""u8;
    private static ReadOnlySpan<byte> Middle => "\",\"signature\":\""u8;
    private static ReadOnlySpan<byte> Close => "\"}"u8;

    private byte[] _message = new byte[1024];
    private byte[] _document = new byte[2048];
    private readonly byte[] _signature = new byte[64];

    public string Name => "descriptor";

    public string Covers => "descriptor JSON (signed by the target): StrictJson, DescriptorJson and its Validate rules, then the signature, fingerprint, domain and expiry checks";

    public void Run(ReadOnlySpan<byte> input)
    {
        var label = SignedDescriptor.ContextLabel;
        Grow(ref _message, label.Length + input.Length);
        label.CopyTo(_message);
        input.CopyTo(_message.AsSpan(label.Length));
        FixedKeys.A.Sign(_message.AsSpan(0, label.Length + input.Length), _signature);

        Grow(ref _document, Open.Length + Base64Url.GetEncodedLength(input.Length) + Middle.Length + 86 + Close.Length);
        var document = _document.AsSpan();
        var at = Append(document, 0, Open);
        at += Base64Url.EncodeToUtf8(input, document[at..]);
        at = Append(document, at, Middle);
        at += Base64Url.EncodeToUtf8(_signature, document[at..]);
        at = Append(document, at, Close);
        SignedDescriptorTarget.Check(SignedDescriptor.Verify(document[..at], "a.example", SignedDescriptorTarget.VerifyAt, SignedDescriptorTarget.Trusted));
    }

    private static void Grow(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        yield return new Seed("descriptor", VectorSeeds.Hex(vectors.File("descriptor.json"), "descriptor_hex"));
        foreach (var verdict in vectors.File("descriptor-verdicts.json").GetProperty("cases").EnumerateArray())
        {
            yield return new Seed("verdict-" + VectorSeeds.Text(verdict, "name"), System.Text.Encoding.UTF8.GetBytes(VectorSeeds.Text(verdict, "descriptor_text")));
        }
    }
}
