// The tests measure time and rate on real sockets: run one at a time so they do not measure each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
