using Scalar.AspNetCore;

namespace Uploads.Api.OpenApi;

public static class ApiDocumentationExtensions
{
    /// <summary>The OpenAPI document, with an example on every request and response schema.</summary>
    public static IHostApplicationBuilder AddApiDocumentation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(openApi => openApi.AddFileExamples());
        return builder;
    }

    /// <summary><c>/openapi/v1.json</c> everywhere; the Scalar reference page in Development only.</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
