namespace Uploads.Cli.Pushing;

/// <param name="RelativePath">Relative to the folder pushed, with <c>/</c> separators: the file's external id.</param>
public sealed record LocalFile(string FullPath, string RelativePath, long Size, long ModifiedTicks)
{
    /// <summary>The API takes external ids of at most 128 characters: a longer path is named by its digest.</summary>
    public string ExternalId => RelativePath.Length <= 128
        ? RelativePath
        : "path-sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RelativePath)));

    public static LocalFile From(string folder, FileInfo info) =>
        new(info.FullName, Path.GetRelativePath(folder, info.FullName).Replace(Path.DirectorySeparatorChar, '/'), info.Length, info.LastWriteTimeUtc.Ticks);

    /// <summary>Opens the file to read it, as it was found: a regular file of <see cref="Size"/> bytes, reached without a link.</summary>
    public FileStream OpenRead() => RegularFiles.OpenRead(FullPath, Size);
}
