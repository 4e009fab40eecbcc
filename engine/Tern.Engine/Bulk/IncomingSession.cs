using System.Net;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Bulk;

/// <summary>
/// One bulk session at the receiving gateway (docs/PROTOCOL.md §17.5): the block file it writes datagrams into where
/// they belong, the ranges it holds, the manifest once its bytes are in, and how it answers checkpoints in each state.
/// Guarded by the receiver's lock.
/// </summary>
internal sealed class IncomingSession : IDisposable
{
    public IncomingSession(BulkSessionId id, SocketAddress peer, long blockLength, string path, int maxDatagram, long now)
    {
        Id = id;
        Peer = peer;
        BlockLength = blockLength;
        Path = path;
        File = System.IO.File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.DeleteOnClose);
        Answer = new byte[maxDatagram];
        LastHeard = now;
    }

    public BulkSessionId Id { get; }

    /// <summary>Where answers go: the address the session's datagrams came from last.</summary>
    public SocketAddress Peer { get; set; }

    public long BlockLength { get; }

    public string Path { get; }

    public SafeFileHandle File { get; }

    public BulkRangeSet Ranges { get; } = new();

    public IncomingState State { get; set; }

    /// <summary>The manifest, once its bytes are in and it parsed.</summary>
    public BulkManifest? Manifest { get; set; }

    public byte[]? ManifestBytes { get; set; }

    /// <summary>The manifest's key was found to be the sending gateway's descriptor key (checked as soon as it parsed).</summary>
    public bool Verified { get; set; }

    /// <summary>The receipt datagram, once signed.</summary>
    public byte[]? ReceiptDatagram { get; set; }

    /// <summary>The sender cancelled while the block was being committed: forget it once the commit ends.</summary>
    public bool CancelledBySender { get; set; }

    /// <summary>The answer buffer, one per session (no allocation per report).</summary>
    public byte[] Answer { get; }

    /// <summary>When a datagram of the session last came (the clock's timestamps).</summary>
    public long LastHeard { get; set; }

    public void Dispose() => File.Dispose();
}

/// <summary>Where an incoming session stands.</summary>
internal enum IncomingState
{
    /// <summary>Taking data, answering checkpoints with the holes.</summary>
    Receiving,

    /// <summary>Every byte is in; checking and committing the blobs. Checkpoints get a complete report.</summary>
    Committing,

    /// <summary>Receipted: checkpoints get the receipt again.</summary>
    Done,

    /// <summary>Refused: datagrams get a cancel.</summary>
    Refused,
}
