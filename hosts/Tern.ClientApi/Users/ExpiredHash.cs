using Tern.Engine.Protocol;

namespace Tern.ClientApi.Users;

/// <summary>A registration the sweep removed because its expiry passed: whose it was, for the <c>hashes_changed</c> event.</summary>
internal readonly record struct ExpiredHash(string User, RecipientHash Hash);
