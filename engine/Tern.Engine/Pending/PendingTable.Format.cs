using System.Buffers.Binary;
using System.Diagnostics;
using FASTER.core;
using Tern.Engine.Storage;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>The reference format this engine writes: 2, compact with interned sender profiles (<see cref="ReferenceCodec"/>).</summary>
    internal const int CurrentFormat = 2;

    private const string FormatFile = "format.bin";
    private const uint FormatMagic = 0x4D465054; // "TPFM"

    /// <summary>
    /// The reference format of the recovered stores. <c>format.bin</c> names a format and the reference store's version
    /// from which it holds: a table whose checkpoint is older than that version (the migration's checkpoint did not
    /// complete) is still in the format before. No file: a table written before formats were versioned (format 1), or a
    /// new table (written in the current format from the start, and the file is created).
    /// </summary>
    private int ReadFormat(bool recovered)
    {
        var path = Path.Combine(_directory, FormatFile);
        if (!File.Exists(path))
        {
            if (recovered)
            {
                return 1;
            }

            WriteFormat(CurrentFormat, sinceVersion: 0);
            return CurrentFormat;
        }

        var data = File.ReadAllBytes(path);
        if (data.Length != 16 || BinaryPrimitives.ReadUInt32LittleEndian(data) != FormatMagic)
        {
            throw new InvalidDataException($"'{path}' is damaged (expected 16 bytes starting \"TPFM\").");
        }

        var format = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4));
        var sinceVersion = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8));
        if (format > CurrentFormat)
        {
            throw new InvalidDataException($"'{path}' says reference format {format}; this engine reads formats up to {CurrentFormat}. Open the table with the engine that wrote it.");
        }

        return !recovered || _refs.CurrentVersion >= sinceVersion ? format : format - 1;
    }

    private void WriteFormat(int format, long sinceVersion)
    {
        var data = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(data, FormatMagic);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), format);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), sinceVersion);
        AtomicFile.Write(Path.Combine(_directory, FormatFile), data);
    }

    /// <summary>
    /// Rewrites every live reference of a format-1 table in the current format, then takes a full checkpoint. The format
    /// file is written first, naming the checkpoint's version: should the process stop before that checkpoint is
    /// complete, the next open recovers the format-1 checkpoint and migrates again. The format-1 records are then dead,
    /// and compacted away, so that a migrated table takes the room of the new format rather than both. Runs in the
    /// constructor, before anything else uses the table; a read and a write per live reference, once in a table's life.
    /// </summary>
    private void MigrateReferences(int format)
    {
        if (format != 1)
        {
            throw new InvalidDataException($"The pending table's references are in format {format}, which this engine cannot migrate.");
        }

        var started = Stopwatch.GetTimestamp();
        // Every record so far read-only: each rewrite then lands above them, none in place.
        var rewrittenFrom = _refs.Log.TailAddress;
        _refs.Log.ShiftReadOnlyAddress(rewrittenFrom, wait: true);
        var hashes = LiveRecipientHashes();
        long migrated = 0, unreadable = 0;
        var session = _sessions.Rent();
        try
        {
            Span<int> lengths = stackalloc int[PendingSession.RefWindow];
            foreach (var recipient in hashes)
            {
                var hash = recipient.Value;
                if (!session.TryReadRecipient(ref hash, out var state))
                {
                    continue;
                }

                for (var sequence = state.FirstSequence; sequence < state.NextSequence;)
                {
                    var window = (int)Math.Min((ulong)PendingSession.RefWindow, state.NextSequence - sequence);
                    var read = lengths[..window];
                    session.ReadRefs(ref hash, sequence, read);
                    for (var i = 0; i < window; i++)
                    {
                        if (read[i] < 0)
                        {
                            continue;
                        }

                        var length = LegacyReferenceCodec.Migrate(session.WindowValue(i, read[i]), _profiles, session.ProfileBuffer, session.EncodeBuffer);
                        if (length < 0)
                        {
                            unreadable++;
                            continue;
                        }

                        var key = new RefKey(hash, sequence + (ulong)i);
                        session.WriteRef(ref key, length);
                        migrated++;
                    }

                    sequence += (ulong)window;
                }
            }

            // What is left below the rewritten records is dead, but for references left unreadable: a lookup compaction
            // moves those above, and the checkpoint below lets FASTER drop the segments under them.
            var until = Math.Min(rewrittenFrom, _refs.Log.SafeReadOnlyAddress);
            if (until > _refs.Log.BeginAddress)
            {
                session.Refs.Compact(until, CompactionType.Lookup);
            }

            // An empty format-1 table still gets the file, so that the next open does not look for references to migrate.
            session.Wrote = true;
        }
        finally
        {
            _sessions.Return(session);
        }

        WriteFormat(CurrentFormat, sinceVersion: _refs.CurrentVersion + 1);
        TakeCheckpointExclusive(full: true);

        // Only now: until this checkpoint was on disk, a crash would have recovered the format-1 one, which needs them.
        _refs.Log.Truncate();
        PendingLogMessages.Migrated(_logger, format, CurrentFormat, migrated, unreadable, _profiles.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
