using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Vectors;

/// <summary>The fields of one retraction record (docs/PROTOCOL.md §4.2, §11), as the generator holds them.</summary>
internal sealed record RetractionInput(FetchCapability Capability, RecipientHash RecipientHash, RetractionFlags Flags, string SenderDomain);
