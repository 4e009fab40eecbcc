namespace Tern.Load.Kill;

/// <summary>A submission a.example answered 201: what alice was told, and whom it went to.</summary>
/// <param name="Sequence">The submit's sequence, which its body carries (<see cref="KillBody"/>).</param>
/// <param name="MessageId">The message id of the answer.</param>
/// <param name="PayloadHash">The payload hash of the answer.</param>
/// <param name="Recipient">bob or carol.</param>
/// <param name="Size">The body's bytes.</param>
/// <param name="AtMs">When the answer came, in ms since the run began.</param>
internal sealed record Acknowledged(long Sequence, string MessageId, string PayloadHash, string Recipient, int Size, long AtMs);
