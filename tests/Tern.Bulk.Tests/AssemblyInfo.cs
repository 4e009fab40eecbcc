// The session tests pace real datagrams through the link emulator's threads: run one at a time, so that on a two-core
// machine they do not starve each other's senders and relays.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
