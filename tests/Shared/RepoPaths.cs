namespace Pipeline.Tests;

/// <summary>Locates the repository (the folder holding Pipeline.sln) and the shared data beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A file under ../shared/data; fails the test with the path it looked at when it is missing.</summary>
    public static string SharedData(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", name));
        if (!File.Exists(path))
            throw new FileNotFoundException($"test data missing: {path} (the tests expect ../shared/data beside the repository)", path);
        return path;
    }

    public static string InRepo(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Pipeline.sln above {AppContext.BaseDirectory}");
    }
}
