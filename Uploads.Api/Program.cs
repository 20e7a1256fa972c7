using System.Text.Json;
using System.Text.Json.Serialization;
using Scalar.AspNetCore;
using Uploads.Api.Files;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using Uploads.Core.Caching;
using Uploads.Core.Data;
using Uploads.Core.Messaging;
using Uploads.Core.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.EnsureSafeForProduction();
builder.AddServiceDefaults();
builder.AddApiProblemDetails();
builder.AddTokenAuthentication();
builder.AddTenantRateLimits();
builder.AddUploadsDatabase();
builder.AddObjectStorage();
builder.AddContentCache();
builder.AddMessaging();
builder.AddFileUploads();

builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
});
builder.Services.AddOpenApi(openApi => openApi.AddFileExamples());

var app = builder.Build();

app.UseTraceparentResponseHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
    app.MapDevelopmentTokens();
}

app.MapFilesApi();

await app.Services.MigrateUploadsDatabaseAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();
