using Tern.Engine.Keys;

namespace Tern.Fuzz;

/// <summary>
/// The key sets of a.example and b.example from the fixed secrets of tests/vectors/keys.json (each secret counts up from
/// its first byte), so that the vectors' datagrams and descriptor open and verify under the targets as they are.
/// </summary>
internal static class FixedKeys
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_789_000_000);

    /// <summary>The sender of the vectors (signs the descriptor, seals the datagrams).</summary>
    public static DomainKeySet A { get; } = DomainKeySet.FromSecrets("a.example", Run(0x01), Run(0x21), Created);

    /// <summary>The receiver of the vectors' datagrams.</summary>
    public static DomainKeySet B { get; } = DomainKeySet.FromSecrets("b.example", Run(0x41), Run(0x61), Created);

    private static byte[] Run(byte first)
    {
        var bytes = new byte[32];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = unchecked((byte)(first + i));
        }

        return bytes;
    }
}
