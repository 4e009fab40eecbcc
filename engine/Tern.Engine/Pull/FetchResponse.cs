using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Engine.Pull;

/// <summary>What one fetch attempt got from a door: the status and, when ok, the blob's metadata and the bytes received.</summary>
/// <param name="Status">The door's answer (HTTP codes map onto the framed statuses: 404 → not found, 416 → range).</param>
/// <param name="TotalSize">Blob length in bytes (ok only).</param>
/// <param name="PayloadHash">The payload hash the door announced (ETag or meta); the puller checks the bytes against the notified one.</param>
/// <param name="Offset">First byte of the range served.</param>
/// <param name="Received">Bytes written to the destination by this attempt.</param>
public readonly record struct FetchResponse(MetaStatus Status, long TotalSize, Bytes32 PayloadHash, long Offset, long Received)
{
    /// <summary>An answer without a body.</summary>
    public static FetchResponse Failure(MetaStatus status) => new(status, 0, default, 0, 0);
}
