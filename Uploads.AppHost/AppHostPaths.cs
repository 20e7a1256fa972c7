using System.Reflection;

namespace Uploads.AppHost;

/// <summary>Where the repository keeps what the AppHost runs: recorded at build time, so any working folder will do.</summary>
public static class AppHostPaths
{
    public static string AppHostDirectory { get; } = typeof(AppHostPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Uploads.AppHostDirectory").Value!;

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppHostDirectory, ".."));

    /// <summary>The default state directory: git-ignored, at the repository's root.</summary>
    public static string DefaultStateDirectory => Path.Combine(RepositoryRoot, ".state");

    /// <summary>Our entry point for s3rver (npm), beside the <c>node_modules</c> that <c>npm ci</c> installs.</summary>
    public static string StorageServerDirectory => Path.Combine(AppHostDirectory, "StorageServer");

    /// <summary>The signatures clamd loads in development and tests: one for the EICAR test file (docs: Scanning).</summary>
    public static string DevelopmentSignatures => Path.Combine(AppHostDirectory, "Scanner", "uploads-test.ndb");

    /// <summary>
    /// A file of <paramref name="project"/>'s build output, built in the same configuration and for the same framework as
    /// the running assembly of <paramref name="callingProject"/> (the tests, the benchmarks): <c>Uploads.Cli/bin/…/uploads</c>.
    /// </summary>
    public static string BuildOutput(string project, string callingProject, string fileName) => Path.Combine(
        RepositoryRoot, project, Path.GetRelativePath(Path.Combine(RepositoryRoot, callingProject), AppContext.BaseDirectory), fileName);

    /// <summary>The <c>uploads</c> client's own program, as a user installs it.</summary>
    public static string CommandLineClient(string callingProject) => BuildOutput("Uploads.Cli", callingProject, "uploads");
}
