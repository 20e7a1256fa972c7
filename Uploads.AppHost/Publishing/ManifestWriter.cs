using System.Text.Json;
using System.Text.Json.Serialization;

namespace Uploads.AppHost.Publishing;

/// <summary>Writes <c>manifest.json</c> in the shape of Aspire's publish manifest.</summary>
public static class ManifestWriter
{
    public const string FileName = "manifest.json";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(IReadOnlyDictionary<string, ManifestResource> resources) => JsonSerializer.Serialize(
        new Dictionary<string, object>
        {
            ["$schema"] = "https://json.schemastore.org/aspire-8.0.json",
            ["resources"] = resources,
        },
        Json);
}
