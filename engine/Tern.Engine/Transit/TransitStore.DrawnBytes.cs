using System.Buffers;
using System.Security.Cryptography;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// The random bytes of a <see cref="SubmitManyAsync"/> batch's message ids and capabilities, drawn from the CSPRNG in
    /// one call for the whole batch rather than one a value: a call costs several times the 32 bytes it draws. Each staged
    /// blob takes its slice in order, its id's 32 bytes (none for a reserved id: <see cref="Length"/> still counts them,
    /// unused) then one capability's per recipient.
    /// </summary>
    private static class DrawnBytes
    {
        /// <summary>The bytes of one staged blob: its id's and its capabilities'.</summary>
        public static int Length(Staging staged) => (1 + staged.Domains.Length) * Bytes32.Size;

        /// <summary>A pooled buffer holding the bytes of every staged blob that holds its reservation, filled from the CSPRNG.</summary>
        public static byte[] For(List<Staging> staged)
        {
            var total = 0;
            foreach (var s in staged)
            {
                total += s.Bucket is null ? 0 : Length(s);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
            SecureRandom.Fill(buffer.AsSpan(0, total));
            return buffer;
        }

        /// <summary>Wipes the buffer (capabilities are secrets) and returns it to the pool.</summary>
        public static void Return(byte[] buffer)
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
