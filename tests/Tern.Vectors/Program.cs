using Tern.Vectors;

// Writes the protocol test vectors (docs/PROTOCOL.md) into the directory given: `make vectors` passes tests/vectors.
if (args.Length != 1 || args[0] is "help" or "--help" or "-h")
{
    Console.Error.WriteLine("usage: Tern.Vectors <output directory>   (make vectors writes tests/vectors)");
    return 2;
}

var set = VectorSet.Create();
set.WriteTo(args[0]);
foreach (var file in set.Files)
{
    Console.WriteLine($"{Path.Combine(args[0], file.Name)}: {file.Text.Length} bytes");
}

return 0;
