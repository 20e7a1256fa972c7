using Uploads.Api.Batches;
using Uploads.Api.Companion;
using Uploads.Api.Events;
using Uploads.Api.OpenApi;
using Uploads.Api.Page;
using Uploads.Api.Problems;
using Uploads.Api.Reads;
using Uploads.Api.Security;
using Uploads.Api.Serialization;
using Uploads.Api.StorageEvents;
using Uploads.Api.Uploads;
using Uploads.Api.Webhooks;
using Uploads.Infrastructure.Caching;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Messaging;
using Uploads.Infrastructure.Security;
using Uploads.Infrastructure.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.EnsureSafeOutsideDevelopment();
builder.AddServiceDefaults();
builder.AddContractJson();
builder.AddApiProblemDetails();
builder.AddApiDocumentation();
builder.AddBrowserOrigins();
builder.AddTokenAuthentication();
builder.AddTenantRateLimits();
builder.AddUploadsDatabase();
builder.AddObjectStorage();
builder.AddContentCache();
builder.AddMessaging();
builder.AddFileUploads();
builder.AddFileReads();
builder.AddFileEvents();
builder.AddBatches();
builder.AddWebhooks();
builder.AddStorageEvents();

var app = builder.Build();

app.UseTraceparentResponseHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseUploadPage();
app.UseBrowserOrigins();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapApiDocumentation();
if (app.Environment.IsDevelopment())
{
    app.MapDevelopmentTokens();
}

app.MapUploadsApi();
app.MapReadsApi();
app.MapEventsApi();
app.MapBatchesApi();
app.MapWebhooksApi();
app.MapStorageEventsApi();
app.MapCompanionApi();

await app.RunWithMigrationsAsync(args);
