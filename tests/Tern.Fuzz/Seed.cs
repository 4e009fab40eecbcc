namespace Tern.Fuzz;

/// <summary>A named seed input; the name becomes its file name in the corpus.</summary>
public sealed record Seed(string Name, byte[] Data);
