using System.Diagnostics;
using Tern.Engine.Pending;
using Tern.Engine.Protocol.Notification;

namespace Tern.PendingBench;

/// <summary>
/// Files again, unchanged, the first <c>count</c> records of a filled table: what a sender's retransmission of a
/// delivery nobody fetched costs the recipient (docs/PROTOCOL.md §4.5, a duplicate). One thread, in insertion order.
/// Prints the <c>result mode=duplicate</c> line.
/// </summary>
internal static class DuplicatePass
{
    public static void Run(PendingTable table, long count, long hashes, long refsPerHash, int writers, byte[][] domainNames, byte[] mime, byte[] hintBytes, byte[] senderKey, long expiryMs, long receivedAtMs)
    {
        FetchHintList.TryCreate(hintBytes, out var hints);
        var started = Stopwatch.GetTimestamp();
        for (long i = 0; i < count; i++)
        {
            var record = new NotificationRecord(
                RefGenerator.Capability(i),
                RefGenerator.Hash(RefGenerator.HashIndexOf(i, hashes, refsPerHash)),
                expiryMs,
                4096,
                RefGenerator.Value(7, (ulong)(i % writers)),
                2,
                NotificationFlags.None,
                domainNames[i % domainNames.Length],
                mime,
                hints);
            var result = table.TryInsert(record, senderKey, receivedAtMs);
            if (result.Status != PendingInsertStatus.Duplicate)
            {
                throw new InvalidOperationException($"duplicate {i}: {result}");
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"result mode=duplicate duplicates={count} duplicates_per_s={count / seconds:F0} ns_each={seconds * 1e9 / count:F0}");
    }
}
