using System.Text;

namespace Tern.Vectors;

/// <summary>
/// The byte-exact examples of docs/PROTOCOL.md that tests/vectors/ holds, built from fixed secrets and inputs
/// (<see cref="VectorInputs"/>) through the engine's codecs. Everything in them is deterministic — explicit
/// nonces, Ed25519's deterministic signatures, fixed times — so building twice gives the same text, and the
/// tests can demand that the committed files equal a fresh build.
/// </summary>
public sealed class VectorSet
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private VectorSet(IReadOnlyList<VectorFile> files) => Files = files;

    /// <summary>The files, in a fixed order.</summary>
    public IReadOnlyList<VectorFile> Files { get; }

    /// <summary>Builds every vector file.</summary>
    public static VectorSet Create()
    {
        using var keys = new VectorKeys();
        return new VectorSet(
        [
            KeyVectors.Build(keys),
            NotificationVectors.BuildNotification(keys),
            NotificationVectors.BuildRetraction(keys),
            RecipientHashVectors.Build(),
            DescriptorVectors.Build(keys),
            FetchFrameVectors.Build(keys),
            ReceiptVectors.Build(keys),
            DatagramVerdictVectors.Build(keys),
            TextFormVectors.Build(keys),
            DescriptorVerdictVectors.Build(keys),
            PayloadTreeVectors.Build(),
            UserKeyVectors.Build(keys),
            EnvelopeVectors.Build(keys),
            RotationVerdictVectors.Build(keys),
            CustodyVectors.Build(keys),
            BulkVectors.Build(keys),
        ]);
    }

    /// <summary>Writes every file into <paramref name="directory"/>, creating it if needed and replacing files of the same name.</summary>
    public void WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        foreach (var file in Files)
        {
            File.WriteAllText(Path.Combine(directory, file.Name), file.Text, Utf8NoBom);
        }
    }
}
