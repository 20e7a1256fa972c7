using System.ComponentModel.DataAnnotations;

namespace Uploads.Api.Security;

/// <summary>Web frontends served from other origins (an Uppy page, a product's own app) that may call this API from the browser.</summary>
public sealed class BrowserOriginOptions : IValidatableObject
{
    public const string Section = "Cors";

    /// <summary>Exact origins (<c>https://app.example.com</c>); none by default, so only the API's own pages call it from a browser.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        AllowedOrigins
            .Where(origin => !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.GetLeftPart(UriPartial.Authority) != origin)
            .Select(origin => new ValidationResult($"Cors:AllowedOrigins holds '{origin}', which is not an origin such as https://app.example.com."));
}

public static class BrowserOriginsExtensions
{
    public const string Policy = "browser-origins";

    public static IHostApplicationBuilder AddBrowserOrigins(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BrowserOriginOptions>().BindConfiguration(BrowserOriginOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var origins = builder.Configuration.GetSection(BrowserOriginOptions.Section).Get<BrowserOriginOptions>()?.AllowedOrigins ?? [];
        // Bearer tokens, never cookies: no credentials are allowed. Uppy adds its own headers to Companion requests.
        builder.Services.AddCors(cors => cors.AddPolicy(Policy, policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders("authorization", "content-type", "accept", "last-event-id", "uppy-versions")
            .WithExposedHeaders("location", "retry-after", "traceparent")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return builder;
    }

    public static WebApplication UseBrowserOrigins(this WebApplication app)
    {
        app.UseCors(Policy);
        return app;
    }
}
