namespace Uploads.Domain.Files;

/// <summary>The UPPER_CASE words that name a status in the API and in the database.</summary>
public static class StatusNames
{
    public static string ToName(FileStatus status) => status.ToString().ToUpperInvariant();

    public static FileStatus Parse(string name) => Enum.Parse<FileStatus>(name, ignoreCase: true);

    public static IEnumerable<string> All => Enum.GetValues<FileStatus>().Select(ToName);
}
