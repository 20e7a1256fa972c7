using Uploads.Infrastructure.Caching;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Messaging;
using Uploads.Infrastructure.Scanning;
using Uploads.Infrastructure.Security;
using Uploads.Infrastructure.Storage;
using Uploads.Worker.Derivatives;
using Uploads.Worker.Reconciliation;
using Uploads.Worker.Sync;

var builder = WebApplication.CreateBuilder(args);

builder.EnsureSafeOutsideDevelopment();
builder.AddServiceDefaults();
builder.AddUploadsDatabase();
builder.AddObjectStorage();
builder.AddContentCache();
builder.AddContentScanning();
builder.AddFileSync();
builder.AddDerivatives();
builder.AddMessaging(bus => bus.AddFileSyncConsumers().AddDerivativesConsumers());
builder.AddReconciler();

var app = builder.Build();

app.MapDefaultEndpoints();

await app.RunWithMigrationsAsync(args);
