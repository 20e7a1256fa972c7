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

    /// <summary>
    /// The matching regular files. Whatever else matches — a symbolic link (it may point outside the folder, or in a
    /// loop), a named pipe, a socket, a device — is told to <paramref name="skipped"/> with what it is, and never opened.
    /// </summary>
    public IEnumerable<LocalFile> Enumerate(Action<string, string> skipped)
    {
        // A folder it cannot read stops the push with its name, rather than leave files out unsaid.
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 };
        foreach (var info in new DirectoryInfo(Path).EnumerateFiles("*", options))
        {
            if (!Matches(info.FullName))
            {
                continue;
            }

            if (RegularFiles.WhatElse(info.FullName) is { } what)
            {
                skipped(RelativePath(info.FullName), what);
                continue;
            }

            yield return LocalFile.From(Path, info);
        }
    }

    /// <summary>Relative to the folder, with <c>/</c> separators.</summary>
    public string RelativePath(string fullPath) =>
        System.IO.Path.GetRelativePath(Path, fullPath).Replace(System.IO.Path.DirectorySeparatorChar, '/');

    public bool Matches(string fullPath) =>
        fullPath.StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
        && matcher.Match(Path, fullPath).HasMatches;
}
