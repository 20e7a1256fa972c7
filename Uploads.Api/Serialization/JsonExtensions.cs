using System.Text.Json;
using System.Text.Json.Serialization;

namespace Uploads.Api.Serialization;

public static class JsonExtensions
{
    /// <summary>The contract's JSON: <c>snake_case</c> properties and <c>UPPER_CASE</c> enum values.</summary>
    public static IHostApplicationBuilder AddContractJson(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
        });
        return builder;
    }
}
