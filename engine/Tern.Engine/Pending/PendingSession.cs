using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// One caller's sessions on the three stores, with pinned scratch buffers for encoding and reading references.
/// Rented from <see cref="PendingSessionPool"/> for one synchronous operation: FASTER sessions are
/// single-threaded and must not be held across an <c>await</c> (FASTER issues #403, #878).
/// </summary>
internal sealed unsafe class PendingSession : IDisposable
{
    private readonly byte[] _encodeBuffer = GC.AllocateUninitializedArray<byte>(ReferenceCodec.MaxSize, pinned: true);
    private readonly byte[] _readBuffer = GC.AllocateUninitializedArray<byte>(ReferenceCodec.MaxSize, pinned: true);
    private readonly byte[] _profileBuffer = new byte[SenderProfileCodec.MaxSize];

    /// <summary>References one <see cref="ReadRefs"/> call reads together.</summary>
    public const int RefWindow = 64;

    // One slot per reference of a window; allocated on a session's first poll, since ingest-only sessions never poll.
    private byte[]? _windowBuffer;

    public PendingSession(
        FasterKV<Bytes32, CapabilityEntry> capabilities,
        FasterKV<Bytes32, RecipientState> recipients,
        FasterKV<RefKey, SpanByte> refs)
    {
        var capabilityFunctions = new SimpleFunctions<Bytes32, CapabilityEntry>();
        Capabilities = capabilities.For(capabilityFunctions).NewSession(capabilityFunctions);
        RecipientFunctions = new TrackingFunctions<RecipientState>();
        Recipients = recipients.For(RecipientFunctions).NewSession(RecipientFunctions);
        var refFunctions = new RefFunctions();
        Refs = refs.For(refFunctions).NewSession(refFunctions);
    }

    public ClientSession<Bytes32, CapabilityEntry, CapabilityEntry, CapabilityEntry, Empty, SimpleFunctions<Bytes32, CapabilityEntry>> Capabilities { get; }

    public ClientSession<Bytes32, RecipientState, RecipientState, RecipientState, Empty, TrackingFunctions<RecipientState>> Recipients { get; }

    public ClientSession<RefKey, SpanByte, SpanByte, RefOutput, Empty, RefFunctions> Refs { get; }

    public TrackingFunctions<RecipientState> RecipientFunctions { get; }

    public Span<byte> EncodeBuffer => _encodeBuffer;

    /// <summary>Scratch for a record's sender profile (<see cref="SenderProfileCodec"/>) while it is interned.</summary>
    public Span<byte> ProfileBuffer => _profileBuffer;

    /// <summary>The sender profile and domain this session's last insert used.</summary>
    public LastSender LastSender { get; } = new();

    /// <summary>
    /// Whether this session wrote (upsert or delete) since the table's last checkpoint: a table none of whose sessions
    /// wrote is what its last checkpoint (or an empty directory) already holds, and its checkpoint is skipped.
    /// </summary>
    public bool Wrote { get; set; }

    /// <summary>Reads a capability entry, completing a pending (on-disk) read before returning.</summary>
    public bool TryReadCapability(ref Bytes32 capability, out CapabilityEntry entry) => TryRead(Capabilities, ref capability, out entry);

    public void WriteCapability(ref Bytes32 capability, ref CapabilityEntry entry)
    {
        Wrote = true;
        Write(Capabilities, ref capability, ref entry);
    }

    public void DeleteCapability(ref Bytes32 capability)
    {
        Wrote = true;
        Delete(Capabilities, ref capability);
    }

    public bool TryReadRecipient(ref Bytes32 hash, out RecipientState state) => TryRead(Recipients, ref hash, out state);

    public void WriteRecipient(ref Bytes32 hash, ref RecipientState state)
    {
        Wrote = true;
        Write(Recipients, ref hash, ref state);
    }

    public void DeleteRecipient(ref Bytes32 hash)
    {
        Wrote = true;
        Delete(Recipients, ref hash);
    }

    // The capability and recipient stores hold fixed-size values whole (SimpleFunctions, and TrackingFunctions built on
    // them): one read, write and delete each, completing an on-disk (pending) operation before returning.
    private static bool TryRead<TValue, TFunctions>(ClientSession<Bytes32, TValue, TValue, TValue, Empty, TFunctions> session, ref Bytes32 key, out TValue value)
        where TFunctions : IFunctions<Bytes32, TValue, TValue, TValue, Empty>
    {
        value = default!;
        var status = session.Read(ref key, ref value);
        if (status.IsPending)
        {
            session.CompletePendingWithOutputs(out var outputs, wait: true);
            using (outputs)
            {
                status = outputs.Next() ? outputs.Current.Status : default;
                value = outputs.Current.Output;
            }
        }

        return status.Found;
    }

    private static void Write<TValue, TFunctions>(ClientSession<Bytes32, TValue, TValue, TValue, Empty, TFunctions> session, ref Bytes32 key, ref TValue value)
        where TFunctions : IFunctions<Bytes32, TValue, TValue, TValue, Empty>
    {
        if (session.Upsert(ref key, ref value).IsPending)
        {
            session.CompletePending(wait: true);
        }
    }

    private static void Delete<TValue, TFunctions>(ClientSession<Bytes32, TValue, TValue, TValue, Empty, TFunctions> session, ref Bytes32 key)
        where TFunctions : IFunctions<Bytes32, TValue, TValue, TValue, Empty>
    {
        if (session.Delete(ref key).IsPending)
        {
            session.CompletePending(wait: true);
        }
    }

    /// <summary>Writes the first <paramref name="length"/> bytes of <see cref="EncodeBuffer"/> as the reference's value.</summary>
    public void WriteRef(ref RefKey key, int length)
    {
        Wrote = true;
        fixed (byte* p = _encodeBuffer)
        {
            var value = SpanByte.FromPointer(p, length);
            if (Refs.Upsert(ref key, ref value).IsPending)
            {
                Refs.CompletePending(wait: true);
            }
        }
    }

    /// <summary>Reads a reference into the session's read buffer; the span is valid until the next read on this session.</summary>
    public bool TryReadRef(ref RefKey key, out ReadOnlySpan<byte> value)
    {
        fixed (byte* p = _readBuffer)
        {
            var output = new RefOutput { Buffer = p, Capacity = _readBuffer.Length };
            var input = default(SpanByte);
            var status = Refs.Read(ref key, ref input, ref output);
            if (status.IsPending)
            {
                Refs.CompletePendingWithOutputs(out var outputs, wait: true);
                using (outputs)
                {
                    status = outputs.Next() ? outputs.Current.Status : default;
                    output = outputs.Current.Output;
                }
            }

            value = status.Found && output.Length >= 0 ? new ReadOnlySpan<byte>(_readBuffer, 0, output.Length) : default;
            return status.Found && output.Length >= 0;
        }
    }

    /// <summary>
    /// Reads the references (<paramref name="hash"/>, <paramref name="first"/> + i) for every i below
    /// <paramref name="lengths"/>' length (at most <see cref="RefWindow"/>). Every read is issued before any is
    /// waited for, so references that are on disk are read together rather than one after another. Sets
    /// lengths[i] to the value's length, or -1 when there is none; <see cref="WindowValue"/> gives the bytes until
    /// the next call on this session.
    /// </summary>
    public void ReadRefs(ref Bytes32 hash, ulong first, Span<int> lengths)
    {
        if (lengths.Length > RefWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(lengths), $"At most {RefWindow} references are read together.");
        }

        _windowBuffer ??= GC.AllocateUninitializedArray<byte>(RefWindow * ReferenceCodec.MaxSize, pinned: true);
        fixed (byte* p = _windowBuffer)
        {
            var input = default(SpanByte);
            var anyPending = false;
            for (var i = 0; i < lengths.Length; i++)
            {
                var key = new RefKey(hash, first + (ulong)i);
                var output = new RefOutput { Buffer = p + (i * ReferenceCodec.MaxSize), Capacity = ReferenceCodec.MaxSize };
                var status = Refs.Read(ref key, ref input, ref output);
                anyPending |= status.IsPending;
                lengths[i] = status.IsPending ? -1 : Length(status, output);
            }

            if (!anyPending)
            {
                return;
            }

            // The pending reads kept their outputs, so each completion copies into its own slot.
            Refs.CompletePendingWithOutputs(out var outputs, wait: true);
            using (outputs)
            {
                while (outputs.Next())
                {
                    var index = outputs.Current.Key.Sequence - first;
                    if (index < (ulong)lengths.Length)
                    {
                        lengths[(int)index] = Length(outputs.Current.Status, outputs.Current.Output);
                    }
                }
            }
        }

        static int Length(Status status, RefOutput output) => status.Found && output.Length >= 0 ? output.Length : -1;
    }

    /// <summary>The value <see cref="ReadRefs"/> read into slot <paramref name="index"/>, of the length it reported.</summary>
    public ReadOnlySpan<byte> WindowValue(int index, int length) => new(_windowBuffer, index * ReferenceCodec.MaxSize, length);

    public void DeleteRef(ref RefKey key)
    {
        Wrote = true;
        if (Refs.Delete(ref key).IsPending)
        {
            Refs.CompletePending(wait: true);
        }
    }

    public void Dispose()
    {
        Capabilities.Dispose();
        Recipients.Dispose();
        Refs.Dispose();
    }
}
