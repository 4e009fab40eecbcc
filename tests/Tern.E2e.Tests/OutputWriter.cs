using System.Text;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>The demo narrator's lines into the test's output, kept too for a failure's message.</summary>
internal sealed class OutputWriter(ITestOutputHelper output) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _all = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override string ToString()
    {
        lock (_all)
        {
            return _all.ToString();
        }
    }

    public override void Write(char value)
    {
        lock (_all)
        {
            _all.Append(value);
            if (value == '\n')
            {
                output.WriteLine(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
