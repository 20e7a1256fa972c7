using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Uploads.Api.Uploads;

public static class UploadsExtensions
{
    public static IHostApplicationBuilder AddFileUploads(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UploadOptions>()
            .BindConfiguration(UploadOptions.Section)
            .PostConfigure(uploads => uploads.AllowedContentTypes = uploads.AllowedContentTypes is [] ? UploadOptions.DefaultAllowedContentTypes : uploads.AllowedContentTypes)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<UploadOptions>>((kestrel, uploads) => kestrel.Limits.MaxRequestBodySize = uploads.Value.MaxRequestBodyBytes);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UploadMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(UploadMetrics.MeterName));
        builder.Services.AddSingleton<UploadRecords>();
        builder.Services.AddSingleton<PendingFileGroupCommit>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PendingFileGroupCommit>());
        builder.Services.AddSingleton<FileMoveGroupCommit>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FileMoveGroupCommit>());
        builder.Services.AddSingleton<PresignedUploads>();
        builder.Services.AddSingleton<MultipartUploads>();
        builder.Services.AddSingleton<UploadConfirmations>();
        return builder;
    }
}
