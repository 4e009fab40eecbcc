namespace Tern.Engine.Pull;

/// <summary>Options of the recipient's <see cref="MessageStore"/>.</summary>
public sealed class MessageStoreOptions
{
    /// <summary>The node's data directory; messages live under <c>messages/</c> in it. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Flush files and directories to disk before a message counts as stored. Defaults to true.</summary>
    public bool Durable { get; set; } = true;

    /// <summary>
    /// Blobs up to this size ride whole in their commit record, so the record's one write makes them durable; larger ones
    /// are flushed first and then recorded (two waits). Every commit's record shares the log's writes and each checkpoint
    /// copies the records appended meanwhile, so a blob in its record lengthens the wait of the commits beside it: the
    /// bound keeps a typical message's one wait without letting a campaign's pulls fill the log (docs/ARCHITECTURE.md
    /// §5.2). Defaults to 8 KiB; at most 1 MiB.
    /// </summary>
    public int InlineMaxBytes { get; set; } = 8 * 1024;

    /// <summary>The commit log is checkpointed once it holds this many bytes of records. Defaults to 1 MiB.</summary>
    public int CheckpointBytes { get; set; } = 1 << 20;

    /// <summary>And at least this often while it holds any. Defaults to 1 s.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Zeros written ahead of the commit log's tail at each checkpoint, so its writes overwrite allocated blocks. Defaults to 2 MiB.</summary>
    public int ZeroAheadBytes { get; set; } = 2 << 20;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(DataDirectory, "MessageStoreOptions.DataDirectory");
        if (InlineMaxBytes is < 0 or > 1 << 20)
        {
            throw new ArgumentException($"MessageStoreOptions.InlineMaxBytes is {InlineMaxBytes}; it must be 0 to 1048576.", nameof(InlineMaxBytes));
        }

        if (CheckpointBytes < 4096)
        {
            throw new ArgumentException($"MessageStoreOptions.CheckpointBytes is {CheckpointBytes}; it must be at least 4096.", nameof(CheckpointBytes));
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"MessageStoreOptions.CheckpointInterval is {CheckpointInterval}; it must be positive.", nameof(CheckpointInterval));
        }

        if (ZeroAheadBytes is < 4096 or > 256 << 20)
        {
            throw new ArgumentException($"MessageStoreOptions.ZeroAheadBytes is {ZeroAheadBytes}; it must be 4096 to 268435456.", nameof(ZeroAheadBytes));
        }
    }
}
