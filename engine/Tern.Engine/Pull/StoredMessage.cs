using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>A message in the recipient's store: the fetched blob (ciphertext) and what the notification said about it.</summary>
/// <param name="RecipientHash">Whose message it is.</param>
/// <param name="Capability">The capability it was fetched with (its name in the store).</param>
/// <param name="SenderDomain">The verified sender domain.</param>
/// <param name="Size">Blob length in bytes.</param>
/// <param name="PayloadHash">The payload hash of the blob (§4.8), checked chunk by chunk on arrival.</param>
/// <param name="MimeHint">The sender's MIME hint, empty for none.</param>
/// <param name="StoredAtMs">When it was stored, ms since the epoch.</param>
public sealed record StoredMessage(RecipientHash RecipientHash, FetchCapability Capability, string SenderDomain, long Size, Bytes32 PayloadHash, string MimeHint, long StoredAtMs);
