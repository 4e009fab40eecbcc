using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Storage;

namespace Tern.Engine.Keys;

/// <summary>
/// The domain's key sets across a key rotation (docs/PROTOCOL.md §16), kept in the key directory as files so that a
/// rotation survives restarts and a crash at any step:
/// <list type="bullet">
/// <item><c>domain.key</c>: the key set in use before the rotation (outside a rotation, the only one);</item>
/// <item><c>domain.next.key</c> (and <c>.pub</c>): the new key set, written first;</item>
/// <item><c>rotation.json</c>: <c>rotates_at</c> and <c>previous_until</c>, written last — its presence starts the rotation.</item>
/// </list>
/// At <c>previous_until</c> <see cref="Refresh"/> retires the old set: one rename puts the new set in <c>domain.key</c>,
/// then the schedule is deleted. A schedule without a next key set (the rename done, the delete not) is finished on the
/// next look; a next key set without a schedule (a rotation begun and cut before its schedule) is discarded.
/// </summary>
/// <remarks>
/// Owns every key set it holds. Retired key sets stay in memory (an ingest loop may still be opening its last batch with
/// one) until this object is disposed; their files are gone. Thread-safe: <see cref="Snapshot"/> is swapped whole.
/// </remarks>
public sealed class DomainKeyRotation : IDisposable
{
    /// <summary>The new key set's secret file during a rotation (mode 0600).</summary>
    public const string NextSecretFileName = "domain.next.key";
    /// <summary>The new key set's public file during a rotation.</summary>
    public const string NextPublicFileName = "domain.next.pub";
    /// <summary>The rotation's schedule: <c>{"rotates_at":…,"previous_until":…}</c> in seconds since the epoch.</summary>
    public const string ScheduleFileName = "rotation.json";

    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<DomainKeySet> _retired = [];
    private KeyRotationSnapshot _snapshot;
    private bool _disposed;
    private bool _opened;

    private DomainKeyRotation(string directory, DomainKeySet keys, TimeProvider time)
    {
        _directory = directory;
        _time = time;
        _snapshot = new KeyRotationSnapshot(0, keys, null, null, null, KeyRotationState.None);
    }

    /// <summary>The keys now. Call <see cref="Refresh"/> to move it on with the clock and the files.</summary>
    public KeyRotationSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Raised (outside the lock) after every change of <see cref="Snapshot"/>.</summary>
    public event Action<KeyRotationSnapshot>? Changed;

    /// <summary>
    /// Takes over <paramref name="keys"/> (loaded from <c>domain.key</c> in <paramref name="directory"/>; disposed with this
    /// object) and any rotation under way there, brought up to <paramref name="time"/>'s now.
    /// </summary>
    public static DomainKeyRotation Open(string directory, DomainKeySet keys, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(keys);
        var rotation = new DomainKeyRotation(directory, keys, time ?? TimeProvider.System);
        try
        {
            rotation.Refresh();
            rotation._opened = true;
            return rotation;
        }
        catch
        {
            rotation.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a rotation in <paramref name="directory"/>: a new key set for <paramref name="domain"/> in
    /// <see cref="NextSecretFileName"/>, then the schedule <c>rotates_at</c> = now + <paramref name="lead"/>,
    /// <c>previous_until</c> = <c>rotates_at</c> + <paramref name="overlap"/>. Whoever holds the directory (a running node, at
    /// its next <see cref="Refresh"/>) follows it. Returns the new key set's public text.
    /// </summary>
    /// <exception cref="InvalidOperationException">A rotation is already under way.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The overlap is under a second or over 30 days, or the lead negative.</exception>
    public static string Schedule(string directory, string domain, TimeSpan overlap, TimeSpan lead, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(overlap, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(overlap, TimeSpan.FromSeconds(DescriptorLimits.MaxRotationWindowSeconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, TimeSpan.Zero);
        if (File.Exists(Path.Combine(directory, ScheduleFileName)))
        {
            throw new InvalidOperationException($"A key rotation is already under way ({Path.Combine(directory, ScheduleFileName)}); it ends at its previous_until.");
        }

        var clock = time ?? TimeProvider.System;
        DeleteNextFiles(directory); // left by a rotation cut before its schedule was written: never used
        using var next = DomainKeySet.Generate(domain, clock);
        next.Save(directory, NextSecretFileName, NextPublicFileName);
        var rotatesAt = clock.GetUtcNow().ToUnixTimeSeconds() + (long)Math.Ceiling(lead.TotalSeconds);
        var until = rotatesAt + (long)Math.Ceiling(overlap.TotalSeconds);
        AtomicFile.Write(Path.Combine(directory, ScheduleFileName), JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, long>
        {
            ["rotates_at"] = rotatesAt,
            ["previous_until"] = until,
        }), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return next.PublicText();
    }

    /// <summary>
    /// Starts a rotation of this domain (see <see cref="Schedule"/>) and applies it at once. Returns the snapshot it made.
    /// </summary>
    public KeyRotationSnapshot Begin(TimeSpan overlap, TimeSpan lead = default)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Schedule(_directory, Snapshot.Old.Domain, overlap, lead, _time);
        }

        Refresh();
        return Snapshot;
    }

    /// <summary>
    /// Brings <see cref="Snapshot"/> up to now: picks up a rotation scheduled in the directory, moves from announced to
    /// rotated at <c>rotates_at</c>, retires the old key set at <c>previous_until</c>. Returns when it next has something to
    /// do by the clock alone (null: nothing scheduled).
    /// </summary>
    public DateTimeOffset? Refresh()
    {
        KeyRotationSnapshot? changed = null;
        DateTimeOffset? due;
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            var current = _snapshot;
            var next = current.Next;
            var (rotatesAt, until) = ReadSchedule();
            if (rotatesAt is null)
            {
                if (next is not null && File.Exists(Path.Combine(_directory, NextSecretFileName)))
                {
                    // The operator deleted the schedule by hand: the rotation is called off, the old key set stays.
                    _retired.Add(next);
                    DeleteNextFiles(_directory);
                    changed = Publish(current.Old, null, null, null);
                }
                else if (next is not null)
                {
                    // The rename of a retirement was done by another holder of the directory: follow it.
                    _retired.Add(current.Old);
                    changed = Publish(next, null, null, null);
                }
                else if (!_opened)
                {
                    // At open: a rotation cut before its schedule was written, never used.
                    DeleteNextFiles(_directory);
                }

                // Later, a next key set without a schedule is a rotation being begun beside this holder (tern keys
                // rotate-domain writes the key set first and the schedule last): deleting it would leave the schedule
                // naming a key set that is gone.
            }
            else if (next is null && !File.Exists(Path.Combine(_directory, NextSecretFileName)))
            {
                // Retired already (the rename done, the schedule left): finish.
                DeleteSchedule();
            }
            else
            {
                next ??= LoadNext(current.Old);
                if (now >= until!.Value)
                {
                    Retire();
                    _retired.Add(current.Old);
                    changed = Publish(next, null, null, null);
                }
                else
                {
                    var state = now >= rotatesAt.Value ? KeyRotationState.Rotated : KeyRotationState.Announced;
                    if (!ReferenceEquals(next, current.Next) || state != current.State || rotatesAt != current.RotatesAt || until != current.PreviousUntil)
                    {
                        changed = Publish(current.Old, next, rotatesAt, until, state);
                    }
                }
            }

            var s = _snapshot;
            due = s.State switch
            {
                KeyRotationState.Announced => s.RotatesAt,
                KeyRotationState.Rotated => s.PreviousUntil,
                _ => null,
            };
        }

        if (changed is not null)
        {
            Changed?.Invoke(changed);
        }

        return due;
    }

    /// <summary>Wipes every key set this rotation holds: the current ones, the next and the retired.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var all = new HashSet<DomainKeySet>(_retired, ReferenceEqualityComparer.Instance) { _snapshot.Old };
            if (_snapshot.Next is { } next)
            {
                all.Add(next);
            }

            foreach (var keys in all)
            {
                keys.Dispose();
            }

            _retired.Clear();
        }
    }

    private KeyRotationSnapshot Publish(DomainKeySet old, DomainKeySet? next, DateTimeOffset? rotatesAt, DateTimeOffset? until, KeyRotationState state = KeyRotationState.None)
    {
        var snapshot = new KeyRotationSnapshot(_snapshot.Version + 1, old, next, rotatesAt, until, state);
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    private DomainKeySet LoadNext(DomainKeySet old)
    {
        var next = DomainKeySet.Load(_directory, NextSecretFileName);
        if (DomainName.Normalize(next.Domain) != DomainName.Normalize(old.Domain))
        {
            var domain = next.Domain;
            next.Dispose();
            throw new InvalidDataException($"{Path.Combine(_directory, NextSecretFileName)} is a key set for {domain}, not {old.Domain}.");
        }

        return next;
    }

    /// <summary>The new key set becomes <c>domain.key</c> in one rename (the old secret is gone with it), then the schedule goes.</summary>
    private void Retire()
    {
        File.Move(Path.Combine(_directory, NextPublicFileName), Path.Combine(_directory, DomainKeySet.PublicFileName), overwrite: true);
        File.Move(Path.Combine(_directory, NextSecretFileName), Path.Combine(_directory, DomainKeySet.SecretFileName), overwrite: true);
        DirectorySync.Flush(_directory);
        DeleteSchedule();
    }

    private void DeleteSchedule()
    {
        File.Delete(Path.Combine(_directory, ScheduleFileName));
        DirectorySync.Flush(_directory);
    }

    private static void DeleteNextFiles(string directory)
    {
        File.Delete(Path.Combine(directory, NextSecretFileName));
        File.Delete(Path.Combine(directory, NextPublicFileName));
    }

    private (DateTimeOffset? RotatesAt, DateTimeOffset? Until) ReadSchedule()
    {
        var path = Path.Combine(_directory, ScheduleFileName);
        if (!File.Exists(path))
        {
            return (null, null);
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var rotatesAt = json.RootElement.GetProperty("rotates_at").GetInt64();
            var until = json.RootElement.GetProperty("previous_until").GetInt64();
            if (until <= rotatesAt || until - rotatesAt > DescriptorLimits.MaxRotationWindowSeconds || rotatesAt < 0 || until > DescriptorLimits.MaxUnixSeconds)
            {
                throw new InvalidDataException($"{path}: previous_until must follow rotates_at by at most 30 days.");
            }

            return (DateTimeOffset.FromUnixTimeSeconds(rotatesAt), DateTimeOffset.FromUnixTimeSeconds(until));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a rotation schedule ({e.Message}).", e);
        }
    }
}
