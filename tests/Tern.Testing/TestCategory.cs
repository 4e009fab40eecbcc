namespace Tern.Testing;

/// <summary>
/// The xUnit trait that sorts tests for the inner loop: <c>[Trait(TestCategory.Trait, TestCategory.Process)]</c> on a test
/// class that starts child processes (the crash harness, node harnesses, the <c>tern</c> command) or real external
/// servers. <c>make test-fast</c> runs <c>dotnet test --filter "Category!=Process"</c>; <c>make test</c> runs everything.
/// </summary>
public static class TestCategory
{
    /// <summary>The trait's name, as <c>--filter</c> spells it.</summary>
    public const string Trait = "Category";

    /// <summary>Tests that start another process: seconds each, and what the fast inner loop leaves out.</summary>
    public const string Process = "Process";
}
