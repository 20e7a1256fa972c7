using System.Reflection;

namespace Uploads.AppHost.ApplicationModel;

/// <summary>Where the build put what the AppHost runs (recorded at build time, like Aspire's project metadata).</summary>
public static class AppHostPaths
{
    static readonly Dictionary<string, string> Metadata = typeof(AppHostPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(a => a.Key.StartsWith("Uploads.", StringComparison.Ordinal) && a.Value is not null)
        .ToDictionary(a => a.Key, a => a.Value!);

    public static string AppHostDirectory => Metadata["Uploads.AppHostDirectory"];

    /// <summary>The AppHost's own build output, for running it as a program (as the lifecycle tests do).</summary>
    public static string AppHostAssembly => Metadata["Uploads.AppHostAssembly"];

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppHostDirectory, ".."));

    /// <summary>The default state directory: git-ignored, at the repository's root.</summary>
    public static string DefaultStateDirectory => Path.Combine(RepositoryRoot, ".state");

    /// <summary>Our entry point for s3rver (npm), beside the <c>node_modules</c> that <c>npm ci</c> installs.</summary>
    public static string StorageServerDirectory => Path.Combine(AppHostDirectory, "StorageServer");

    /// <summary>The signatures clamd loads in development and tests: one for the EICAR test file (see README: Scanning).</summary>
    public static string DevelopmentSignatures => Path.Combine(AppHostDirectory, "Scanner", "uploads-test.ndb");

    /// <summary>
    /// The <c>uploads</c> client's own program, built in the same configuration and for the same framework as the
    /// running assembly of <paramref name="callingProject"/> (the tests, the benchmarks): <c>Uploads.Cli/bin/…/uploads</c>.
    /// </summary>
    public static string CommandLineClient(string callingProject) => Path.Combine(
        RepositoryRoot, "Uploads.Cli", Path.GetRelativePath(Path.Combine(RepositoryRoot, callingProject), AppContext.BaseDirectory), "uploads");

    public static string Project(string name) => Metadata[$"Uploads.Project:{name}"];

    public static string Dockerfile(string name) => Metadata[$"Uploads.Dockerfile:{name}"];
}
