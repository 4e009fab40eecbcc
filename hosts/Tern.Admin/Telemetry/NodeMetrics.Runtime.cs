namespace Tern.Admin.Telemetry;

internal sealed partial class NodeMetrics
{
    /// <summary>
    /// What the library's process collector (<c>process_*</c>, <c>dotnet_collection_count_total</c>,
    /// <c>dotnet_total_memory_bytes</c>) leaves out of the GC: its heap as last collected, its pauses and allocations.
    /// </summary>
    private void AddRuntime()
    {
        Gauge("dotnet_gc_heap_size_bytes", "Size of the GC heap after the last collection, fragmentation included.", () => GC.GetGCMemoryInfo().HeapSizeBytes);
        Counter("dotnet_gc_pause_seconds_total", "Time the process was paused by garbage collections.", () => GC.GetTotalPauseDuration().TotalSeconds);
        Counter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start.", () => GC.GetTotalAllocatedBytes());
    }
}
