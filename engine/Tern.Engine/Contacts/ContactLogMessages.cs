using Microsoft.Extensions.Logging;

namespace Tern.Engine.Contacts;

/// <summary>Log messages of contact plans (event ids 7100–7119).</summary>
internal static partial class ContactLogMessages
{
    [LoggerMessage(7200, LogLevel.Information, "Contact plan in force: {Contacts} contacts, {Destinations} destinations from {Source}")]
    public static partial void PlanInForce(ILogger logger, int contacts, int destinations, string source);
}
