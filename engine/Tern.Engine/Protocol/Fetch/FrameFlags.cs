namespace Tern.Engine.Protocol.Fetch;

/// <summary>The <c>flags</c> byte of a frame (docs/PROTOCOL.md §8.2).</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Bit 0: the last frame of its stream.</summary>
    EndStream = 0x01,

    /// <summary>Bit 1, on <see cref="FrameType.Fetch"/> only: send the metadata, no data.</summary>
    Head = 0x02,

    /// <summary>
    /// Bit 2, on <see cref="FrameType.Fetch"/> only: send the range proof of the fetched chunks in <see cref="FrameType.Proof"/>
    /// frames after the meta and before any data (docs/PROTOCOL.md §8.3, §4.8).
    /// </summary>
    Proof = 0x04,
}
