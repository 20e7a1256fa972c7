using Microsoft.Extensions.FileSystemGlobbing;

namespace Uploads.Cli.Pushing;

/// <summary>The files of a folder that match the patterns, enumerated lazily (a folder of a million files is never listed in memory).</summary>
public sealed class LocalFolder
{
    readonly Matcher matcher = new(StringComparison.Ordinal);

    public LocalFolder(string path, IReadOnlyList<string> patterns)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(Path))
        {
            throw new Configuration.UsageException($"{path} is not a folder.");
        }

        matcher.AddIncludePatterns(patterns.Count > 0 ? patterns : ["**/*"]);
    }

    public string Path { get; }

    public IEnumerable<LocalFile> Enumerate()
    {
        // A folder it cannot read stops the push with its name, rather than leave files out unsaid; symbolic links are
        // not followed (a link may point outside the folder, or in a loop).
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var info in new DirectoryInfo(Path).EnumerateFiles("*", options))
        {
            if (Matches(info.FullName))
            {
                yield return LocalFile.From(Path, info);
            }
        }
    }

    public bool Matches(string fullPath) =>
        fullPath.StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
        && matcher.Match(Path, fullPath).HasMatches;
}
