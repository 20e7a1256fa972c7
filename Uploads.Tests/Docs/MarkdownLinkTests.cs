using System.Text.RegularExpressions;
using Uploads.AppHost;

namespace Uploads.Tests.Docs;

/// <summary>
/// Every relative link of the repository's Markdown resolves to a file of the repository, and every anchor to a heading
/// of its page (as GitHub makes anchors); nothing points outside the repository, where a clone has nothing.
/// </summary>
public sealed partial class MarkdownLinkTests
{
    static readonly string Root = AppHostPaths.RepositoryRoot;

    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (var page in MarkdownFiles())
        {
            data.Add(Path.GetRelativePath(Root, page));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_and_anchor_resolves_inside_the_repository(string page)
    {
        var path = Path.Combine(Root, page);
        var broken = new List<string>();
        foreach (var target in Links(File.ReadAllText(path)))
        {
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var (file, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, "");
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!resolved.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                broken.Add($"{target}: outside the repository");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor.Length > 0 && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
            {
                broken.Add($"{target}: no such heading");
            }
        }

        Assert.Empty(broken);
    }

    [Fact]
    public void The_check_finds_the_pages_and_tells_a_broken_anchor_from_a_good_one()
    {
        Assert.Contains(Path.Combine(Root, "README.md"), MarkdownFiles());
        Assert.Contains(Path.Combine(Root, "docs", "api.md"), MarkdownFiles());

        var anchors = Anchors("# REST API, v1\n## POST /files/presigned-upload\n```bash\n# not a heading\n```\n## Safe to serve\n");
        Assert.Contains("post-filespresigned-upload", anchors);
        Assert.Contains("safe-to-serve", anchors);
        Assert.DoesNotContain("not-a-heading", anchors);
        Assert.Equal(["docs/api.md#file-states", "x.md"], Links("see [states](docs/api.md#file-states) and ![p](x.md \"t\")"));
    }

    static IEnumerable<string> MarkdownFiles() =>
        Directory.EnumerateFiles(Root, "*.md", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(Root, file).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "node_modules" or "bin" or "obj" or "TestResults" or "artifacts" || part.StartsWith('.')));

    static List<string> Links(string markdown) =>
        LinkPattern().Matches(WithoutCode(markdown)).Select(match => match.Groups["target"].Value).ToList();

    /// <summary>GitHub's anchors: the heading's text in lower case, without punctuation, spaces as hyphens.</summary>
    static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in HeadingPattern().Matches(WithoutFences(markdown)))
        {
            var text = heading.Groups["text"].Value.Trim().ToLowerInvariant();
            var slug = new string(text.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');
            var candidate = slug;
            for (var n = 1; !anchors.Add(candidate); n++)
            {
                candidate = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    static string WithoutFences(string markdown) => FencePattern().Replace(markdown, "");

    static string WithoutCode(string markdown) => InlineCodePattern().Replace(WithoutFences(markdown), "");

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencePattern();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCodePattern();
}
