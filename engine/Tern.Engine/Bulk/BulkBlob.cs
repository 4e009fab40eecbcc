using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

/// <summary>A blob of the sending gateway's transit store and the recipient domain whose Outstanding deliveries go with it.</summary>
/// <param name="MessageId">The blob's id in the store.</param>
/// <param name="RecipientDomain">The domain the receiving gateway is to notify.</param>
public readonly record struct BulkBlob(MessageId MessageId, string RecipientDomain);
