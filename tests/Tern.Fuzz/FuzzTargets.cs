using Tern.Fuzz.Targets;

namespace Tern.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    /// <summary>The target names, in the order <c>make fuzz</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Create().Select(t => t.Name)];

    /// <summary>A fresh instance of every target (targets keep scratch buffers, so one instance per thread).</summary>
    public static IReadOnlyList<IFuzzTarget> Create() =>
    [
        new DatagramTarget(),
        new DatagramBodyTarget(),
        new FramesTarget(),
        new Http1Target(),
        new RangeTarget(),
        new SignedDescriptorTarget(),
        new DescriptorTarget(),
        new TxtTarget(),
        new ReceiptTarget(),
        new CustodyOfferTarget(),
        new CustodyAnswerTarget(),
        new BulkTarget(),
        new UserKeysTarget(),
        new EnvelopeTarget(),
        new JournalTarget(),
        new IndexCheckpointTarget(),
        new PendingReferenceTarget(),
        new CoverageTarget(),
    ];

    /// <summary>A fresh instance of the target named <paramref name="name"/>; null when there is none.</summary>
    public static IFuzzTarget? Find(string name) => Create().FirstOrDefault(t => t.Name == name);
}
