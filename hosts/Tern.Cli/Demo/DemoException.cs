namespace Tern.Cli.Demo;

/// <summary>A demo step that did not behave: the message says which and what was seen; the demo exits 1.</summary>
internal sealed class DemoException : Exception
{
    public DemoException(string message)
        : base(message)
    {
    }

    public DemoException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DemoException()
        : this("the demo failed")
    {
    }
}
