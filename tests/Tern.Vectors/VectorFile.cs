namespace Tern.Vectors;

/// <summary>One file of tests/vectors/: its name and its exact text (UTF-8, LF line ends, a final newline).</summary>
/// <param name="Name">File name inside the vectors directory, e.g. <c>keys.json</c>.</param>
/// <param name="Text">The JSON document, indented.</param>
public sealed record VectorFile(string Name, string Text);
