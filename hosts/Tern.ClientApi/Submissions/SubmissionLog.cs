using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Submissions;

/// <summary>
/// The first answer to each submit made with an <c>Idempotency-Key</c>, per user, kept until the message's transit
/// expiry, so a retry — after a restart too — gets it again and stores nothing. (Status, listing and retraction read
/// the transit store, which records the submitting account; only keyed submits need this log, and only they wait for
/// it.) An append-only file of JSON lines under <c>clientapi/</c>, durable before the submit is answered; appends are
/// group committed (one fsync for every record that arrived meanwhile). Opening it drops expired records and a torn
/// last line.
/// </summary>
internal sealed partial class SubmissionLog : IAsyncDisposable
{
    public const string FileName = "submissions.log";

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string User, string Key), SentMessage> _byKey = [];
    private readonly Dictionary<(string User, string Key), bool> _inFlight = [];
    private readonly Channel<(SentMessage Message, TaskCompletionSource Done)> _appends =
        Channel.CreateUnbounded<(SentMessage, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly FileStream _file;
    private readonly Task _writer;

    public SubmissionLog(string directory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        Load();
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Claims <paramref name="key"/> for one submit of <paramref name="user"/>: the first answer given under it when there
    /// is one, else whether this request may go ahead (false: another with the key is in flight).
    /// </summary>
    public (SentMessage? Earlier, bool Claimed) Claim(string user, string key)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue((user, key), out var earlier))
            {
                return (earlier, false);
            }

            return (null, _inFlight.TryAdd((user, key), true));
        }
    }

    /// <summary>Releases a claim whose submit did not complete, so a retry may go ahead.</summary>
    public void Release(string user, string key)
    {
        lock (_lock)
        {
            _inFlight.Remove((user, key));
        }
    }

    /// <summary>Makes <paramref name="message"/> durable, then indexes it (and releases its key's claim).</summary>
    public async Task AppendAsync(SentMessage message, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_appends.Writer.TryWrite((message, done)), this);

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            Index(message);
            if (message.IdempotencyKey is { } key)
            {
                _inFlight.Remove((message.User, key));
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<(SentMessage Message, TaskCompletionSource Done)>();
        while (await _appends.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_appends.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                foreach (var (message, _) in batch)
                {
                    _file.Write(JsonSerializer.SerializeToUtf8Bytes(ToRecord(message), SentRecordJson.Default.SentRecord));
                    _file.WriteByte((byte)'\n');
                }

                _file.Flush(flushToDisk: true);
                foreach (var (_, done) in batch)
                {
                    done.TrySetResult();
                }
            }
            catch (IOException e)
            {
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(e);
                }
            }

            batch.Clear();
        }
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var kept = new StringBuilder();
        foreach (var line in File.ReadLines(_path))
        {
            if (TryParse(line, out var message) && message.ExpiresMs > now)
            {
                Index(message);
                kept.Append(line).Append('\n');
            }
        }

        // Rewritten whole: expired records go, and a line a crash tore in half does not stay in front of new ones.
        AtomicFile.Write(_path, Encoding.UTF8.GetBytes(kept.ToString()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private void Index(SentMessage message)
    {
        if (message.IdempotencyKey is { } key)
        {
            _byKey[(message.User, key)] = message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
    }
}
