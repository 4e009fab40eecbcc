namespace Tern.Engine.Pull;

/// <summary>Options of the recipient's <see cref="MessageStore"/>.</summary>
public sealed class MessageStoreOptions
{
    /// <summary>The node's data directory; messages live under <c>messages/</c> in it. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Flush files and directories to disk before a message counts as stored. Defaults to true.</summary>
    public bool Durable { get; set; } = true;
}
