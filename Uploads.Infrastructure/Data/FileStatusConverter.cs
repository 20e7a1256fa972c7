using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Uploads.Domain.Files;

namespace Uploads.Infrastructure.Data;

/// <summary>Stores a status as the same UPPER_CASE word the API shows, so the table reads like the contract.</summary>
sealed class FileStatusConverter() : ValueConverter<FileStatus, string>(
    status => StatusNames.ToName(status),
    name => StatusNames.Parse(name));
