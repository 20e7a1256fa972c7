using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Uploads.Tests.Architecture;

/// <summary>
/// The dependency picture docs/architecture.md draws, read from the project files and the sources: Domain ← Infrastructure ←
/// Api/Worker, ServiceDefaults beside, the AppHost over the two services it runs; inside the AppHost, publishing and the
/// tokens read the resource types and the resource types read neither; each rule of the file is written in the domain only.
/// </summary>
public sealed partial class ArchitectureTests
{
    static readonly string Root = FindRepositoryRoot();

    [Fact]
    public void The_domain_references_no_package_framework_or_project()
    {
        var project = Load("Uploads.Domain");

        Assert.Empty(project.Descendants("PackageReference"));
        Assert.Empty(project.Descendants("FrameworkReference"));
        Assert.Empty(project.Descendants("ProjectReference"));
    }

    [Theory]
    [InlineData("Uploads.Domain")]
    [InlineData("Uploads.Infrastructure", "Uploads.Domain")]
    [InlineData("Uploads.Api", "Uploads.Domain", "Uploads.Infrastructure", "Uploads.ServiceDefaults")]
    [InlineData("Uploads.Worker", "Uploads.Domain", "Uploads.Infrastructure", "Uploads.ServiceDefaults")]
    [InlineData("Uploads.ServiceDefaults")]
    [InlineData("Uploads.AppHost", "Uploads.Api", "Uploads.Worker")]
    // A client users install: it speaks the API's JSON, and knows nothing of the server's code.
    [InlineData("Uploads.Cli")]
    public void Each_project_references_exactly_the_projects_of_the_layout(string project, params string[] expected)
    {
        var references = Load(project).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order();

        Assert.Equal(expected.Order(), references);
    }

    [Theory]
    [InlineData("Resources", "Publishing", "Tokens")]
    [InlineData("Publishing", "Tokens")]
    [InlineData("Tokens", "Publishing", "Resources")]
    public void AppHost_folders_depend_one_way(string folder, params string[] forbidden)
    {
        var offending = SourcesUnder(Path.Combine("Uploads.AppHost", folder))
            .SelectMany(file => forbidden
                .Where(other => Regex.IsMatch(File.ReadAllText(file), $@"\bUploads\.AppHost\.{other}\b"))
                .Select(other => $"{Path.GetRelativePath(Root, file)} uses {other}"))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void Every_AppHost_file_holds_one_type_named_after_it()
    {
        var misnamed = SourcesUnder("Uploads.AppHost")
            .Where(file => Path.GetFileName(file) is not ("Program.cs" or "GlobalUsings.cs"))
            .Select(file => (File: file, Types: TopLevelType().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value).ToList()))
            .Where(source => source.Types.Count != 1 || source.Types[0] != Path.GetFileNameWithoutExtension(source.File))
            .Select(source => $"{Path.GetRelativePath(Root, source.File)}: {string.Join(", ", source.Types)}")
            .ToList();

        Assert.Empty(misnamed);
    }

    [Fact]
    public void The_claim_lease_and_expiry_comparisons_are_written_in_the_domain_only()
    {
        // A comparison of one of these columns outside Uploads.Domain restates a rule of FileRules.
        var restated = new[] { "Uploads.Api", "Uploads.Worker", "Uploads.Infrastructure", "Uploads.Benchmarks" }
            .SelectMany(SourcesUnder)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => RuleComparison().Matches(File.ReadAllText(file)).Select(m => $"{Path.GetRelativePath(Root, file)}: {m.Value}"))
            .ToList();

        Assert.Empty(restated);
    }

    /// <summary>The patterns above find what they look for: without this, a pattern that matches nothing passes every check.</summary>
    [Theory]
    [InlineData("if (file.SyncLeaseExpiresAt <= now)", true)]
    [InlineData("Where(f => now > f.UploadExpiresAt)", true)]
    [InlineData("f.SyncClaim == claim", true)]
    [InlineData("file.SyncLeaseExpiresAt = now.Add(lease);", false)]
    [InlineData("f => f.UploadExpiresAt", false)]
    public void The_rule_comparison_pattern_finds_comparisons_and_only_them(string code, bool found) =>
        Assert.Equal(found, RuleComparison().IsMatch(code));

    [Fact]
    public void The_type_and_folder_patterns_find_what_they_look_for()
    {
        Assert.Equal(["Outer", "Record"], TopLevelType().Matches("public sealed class Outer\n{\n    sealed class Nested { }\n}\npublic sealed record Record(int A);\n")
            .Select(m => m.Groups["name"].Value));
        Assert.Matches($@"\bUploads\.AppHost\.Tokens\b", "using Uploads.AppHost.Tokens;");
        Assert.NotEmpty(SourcesUnder(Path.Combine("Uploads.AppHost", "Resources")));
        Assert.NotEmpty(SourcesUnder("Uploads.Infrastructure"));
    }

    /// <summary>A type declared at the start of a line: top level (nested types are indented).</summary>
    [GeneratedRegex(@"^(?:(?:public|internal|static|sealed|abstract|partial|readonly)\s+)*(?:class|record|interface|enum|struct)\s+(?<name>[A-Za-z0-9_]+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"\b(?:SyncLeaseExpiresAt|SyncClaim|UploadExpiresAt|SyncRequestedAt)\s*(?:<=|>=|==|!=|<|>)|(?:<=|>=|==|!=|<|(?<![=-])>)\s*\w+\.(?:SyncLeaseExpiresAt|SyncClaim|UploadExpiresAt|SyncRequestedAt)\b")]
    private static partial Regex RuleComparison();

    static XDocument Load(string project) => XDocument.Load(Path.Combine(Root, project, $"{project}.csproj"));

    static IEnumerable<string> SourcesUnder(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Uploads.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Uploads.sln above {AppContext.BaseDirectory}.");
    }
}
