using System.Runtime.CompilerServices;
using FASTER.core;

namespace Tern.Engine.Pending;

/// <summary>FASTER callbacks of the reference store: SpanByte values written whole, read into a <see cref="RefOutput"/> buffer.</summary>
internal sealed unsafe class RefFunctions : SpanByteFunctions<RefKey, RefOutput, Empty>
{
    /// <summary>The value the last upsert on this session wrote, in log memory; a hint for prefetching the log's tail, never dereferenced.</summary>
    public byte* LastWritten { get; private set; }

    public override bool SingleWriter(ref RefKey key, ref SpanByte input, ref SpanByte src, ref SpanByte dst, ref RefOutput output, ref UpsertInfo upsertInfo, WriteReason reason)
    {
        LastWritten = (byte*)Unsafe.AsPointer(ref dst);
        return base.SingleWriter(ref key, ref input, ref src, ref dst, ref output, ref upsertInfo, reason);
    }

    public override bool SingleReader(ref RefKey key, ref SpanByte input, ref SpanByte value, ref RefOutput dst, ref ReadInfo readInfo)
        => Copy(ref value, ref dst);

    public override bool ConcurrentReader(ref RefKey key, ref SpanByte input, ref SpanByte value, ref RefOutput dst, ref ReadInfo readInfo)
        => Copy(ref value, ref dst);

    private static unsafe bool Copy(ref SpanByte value, ref RefOutput dst)
    {
        var source = value.AsReadOnlySpan();

        // Values are encoded by ReferenceCodec and never exceed its maximum; a longer one is not ours.
        if (source.Length > dst.Capacity)
        {
            dst.Length = -1;
            return true;
        }

        source.CopyTo(new Span<byte>(dst.Buffer, dst.Capacity));
        dst.Length = source.Length;
        return true;
    }
}
