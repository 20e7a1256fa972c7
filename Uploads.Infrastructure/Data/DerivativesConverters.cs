using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Uploads.Domain.Derivatives;

namespace Uploads.Infrastructure.Data;

/// <summary>Stores a derivatives status as an UPPER_CASE word, as file statuses are.</summary>
sealed class DerivativesStatusConverter() : ValueConverter<DerivativesStatus, string>(
    status => status.ToString().ToUpperInvariant(),
    name => Enum.Parse<DerivativesStatus>(name, true));

/// <summary>Metadata and thumbnails as one <c>jsonb</c> document: written once, when the step is READY, and read whole.</summary>
sealed class DerivedContentConverter() : ValueConverter<DerivedContent, string>(
    content => JsonSerializer.Serialize(content, Options),
    json => JsonSerializer.Deserialize<DerivedContent>(json, Options)!)
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
