namespace Tern.Engine.Protocol.Fetch;

/// <summary>The <c>type</c> byte of a frame on the framed fetch door (docs/PROTOCOL.md §8.3).</summary>
public enum FrameType : byte
{
    /// <summary>Client → server, on its own stream: fetch a range of a blob by capability.</summary>
    Fetch = 0x01,

    /// <summary>Server → client: the status and metadata answering a <see cref="Fetch"/>.</summary>
    Meta = 0x02,

    /// <summary>Server → client: blob bytes of the stream's range, in order.</summary>
    Data = 0x03,

    /// <summary>Client → server, empty: stop sending this stream.</summary>
    Cancel = 0x04,

    /// <summary>Either side, stream 0: code and reason; the sender closes after it.</summary>
    GoAway = 0x05,

    /// <summary>Client → server, stream 0, empty: ask for the signed descriptor.</summary>
    DescriptorRequest = 0x06,

    /// <summary>Server → client, stream 0: the signed descriptor document (§6.2).</summary>
    Descriptor = 0x07,

    /// <summary>Either side, stream 0: 8 opaque bytes to echo.</summary>
    Ping = 0x08,

    /// <summary>Either side, stream 0: the 8 bytes of the ping it answers.</summary>
    Pong = 0x09,

    /// <summary>Server → client: part of the range proof a <see cref="Fetch"/> with <see cref="FrameFlags.Proof"/> asked for (§4.8).</summary>
    Proof = 0x0A,

    /// <summary>Client → server, on its own stream: a key lookup by the 32-byte address hash (§14.4).</summary>
    UserKeysRequest = 0x0B,

    /// <summary>Server → client, ending the lookup's stream: a status, then the key bundle when it is ok (§14.4).</summary>
    UserKeys = 0x0C,
}
