using System.Text.RegularExpressions;
using Uploads.AppHost;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Docs;

/// <summary>The README's curl walk-through, run as written (bash, curl, jq) against the test stack.</summary>
public sealed partial class ReadmeWalkthroughTests(UploadsStack stack)
{
    [Fact]
    public async Task The_walk_through_uploads_a_file_that_ends_SYNCED_and_reads_it_back()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(AppHostPaths.RepositoryRoot, "README.md"));
        var walkthrough = WalkthroughBlock().Match(readme);
        Assert.True(walkthrough.Success, "the README has a walk-through with a bash block");
        var folder = Directory.CreateTempSubdirectory("uploads-walkthrough-");
        try
        {
            var script = $"""
                export API='{stack.ApiUrl}'
                export TOKEN='{stack.MintToken("walkthrough")}'
                {walkthrough.Groups["script"].Value}
                """;

            var (exitCode, output, errors) = await CommandLine.RunAsync(
                "bash", ["-euo", "pipefail", "-s"], input: script, workingDirectory: folder.FullName);

            Assert.True(exitCode == 0, $"the walk-through exited with {exitCode}: {errors}\n{output}");
            Assert.Contains("""{"status":"SYNCED",""", output);
            Assert.Contains("""history":["PENDING","UPLOADED","SYNCING","SYNCED"]""", output);
            Assert.EndsWith("id,qty\n1,2\n", output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^## A walk-through$.*?^```bash\n(?<script>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex WalkthroughBlock();
}
