namespace Tern.Engine.Transit;

/// <summary>
/// The on-disk format marker of a transit store (<c>transit/format</c>). Format 2 is the checksummed, fast-commit log
/// layout (<see cref="TransitLogSettings"/>); a store whose journal predates the marker was written with 4-byte entry
/// headers and would be misread, so it is refused with a clear error instead.
/// </summary>
internal static class TransitFormat
{
    public const string Current = "2";

    public static void Ensure(string root, string journalDirectory)
    {
        var marker = Path.Combine(root, "format");
        if (File.Exists(marker))
        {
            var found = File.ReadAllText(marker).Trim();
            if (found != Current)
            {
                throw new InvalidDataException($"The transit store at {root} has format {found}; this version reads format {Current}.");
            }

            return;
        }

        if (Directory.EnumerateFiles(journalDirectory, "journal.log*").Any())
        {
            throw new InvalidDataException($"The transit store at {root} was written by an older version (unchecksummed logs, no format marker); this version reads format {Current}. Drain it with the older version or remove it.");
        }

        var temp = marker + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write("2\n"u8);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, marker);
        DirectorySync.Flush(root);
    }
}
