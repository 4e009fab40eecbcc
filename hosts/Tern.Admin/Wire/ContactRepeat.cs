namespace Tern.Admin.Wire;

/// <summary>How a contact's window repeats.</summary>
/// <param name="EverySeconds">From one window's start to the next's, longer than the window.</param>
/// <param name="Count">Windows in all, 1 to 10^9; absent to repeat forever.</param>
public sealed record ContactRepeat(double EverySeconds, long? Count);
