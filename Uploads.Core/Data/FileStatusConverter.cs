using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Uploads.Core.Files;

namespace Uploads.Core.Data;

/// <summary>Stores a status as the same UPPER_CASE word the API shows, so the table reads like the contract.</summary>
sealed class FileStatusConverter() : ValueConverter<FileStatus, string>(
    status => StatusNames.ToName(status),
    name => StatusNames.Parse(name));

public static class StatusNames
{
    public static string ToName(FileStatus status) => status.ToString().ToUpperInvariant();

    public static FileStatus Parse(string name) => Enum.Parse<FileStatus>(name, ignoreCase: true);

    public static IEnumerable<string> All => Enum.GetValues<FileStatus>().Select(ToName);
}
