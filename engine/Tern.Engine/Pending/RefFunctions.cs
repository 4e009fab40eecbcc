using FASTER.core;

namespace Tern.Engine.Pending;

/// <summary>FASTER callbacks of the reference store: SpanByte values written whole, read into a <see cref="RefOutput"/> buffer.</summary>
internal sealed class RefFunctions : SpanByteFunctions<RefKey, RefOutput, Empty>
{
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
