using System.Diagnostics;

namespace Uploads.Infrastructure.Telemetry;

/// <summary>
/// Uploads' own spans (the sync's storage read, hashing and cache write), under one activity source shared by the API
/// and the worker, so that they join the trace ASP.NET Core and MassTransit carry from the request to the consumer.
/// </summary>
public static class UploadsTracing
{
    public const string SourceName = "Uploads";

    /// <summary>The file a span, log scope or metric is about.</summary>
    public const string FileIdTag = "uploads.file.id";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartFileActivity(string name, Guid fileId, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(name, kind);
        activity?.SetTag(FileIdTag, fileId);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with the exception, as the OpenTelemetry conventions describe.</summary>
    public static void RecordFailure(this Activity? activity, Exception exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.AddException(exception);
    }

    /// <summary>A logging scope naming the file, so that every log line about it carries <c>FileId</c> along with the trace.</summary>
    public static Dictionary<string, object> FileScope(Guid fileId) => new() { ["FileId"] = fileId };
}
