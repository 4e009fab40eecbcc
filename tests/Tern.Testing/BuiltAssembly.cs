namespace Tern.Testing;

/// <summary>Finds the build output of a sibling project that a test runs as a child process.</summary>
public static class BuiltAssembly
{
    /// <summary>
    /// The path of <paramref name="assemblyFile"/> in the output of the project at <paramref name="projectDirectory"/>
    /// (relative to the repository root), built with this test assembly's configuration and target framework.
    /// </summary>
    public static string Path(string projectDirectory, string assemblyFile)
    {
        // This assembly runs from <root>/tests/<project>/bin/<Configuration>/<tfm>/.
        var baseDirectory = AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar);
        var tfm = System.IO.Path.GetFileName(baseDirectory);
        var configuration = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(baseDirectory)!);
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, "..", "..", "..", "..", ".."));
        var path = System.IO.Path.Combine(root, projectDirectory, "bin", configuration, tfm, assemblyFile);
        Assert.True(File.Exists(path), $"{assemblyFile} is not built at {path}");
        return path;
    }
}
