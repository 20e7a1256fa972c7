using Uploads.AppHost.Dashboard;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Telemetry;

/// <summary>What the services export over OTLP reaches the AppHost's receiver, and one upload reads as one trace.</summary>
[Collection(StackCollection.Name)]
public sealed class TracingTests(UploadsStack stack)
{
    [Fact]
    public async Task One_upload_is_one_trace_from_the_API_request_through_RabbitMQ_into_the_worker()
    {
        var content = UploadsClient.RandomBytes(40_000);
        var (ticket, confirmation) = await stack.Client.UploadAsync(content, "traced.bin");
        var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        Assert.Equal(FileStatus.Synced, file.Status);

        var spans = (await stack.Dashboard.WholeTraceAsync(confirmation.TraceId)).Spans;
        Assert.All(spans, span => Assert.Equal(confirmation.TraceId, span.TraceId));
        var request = Assert.Single(spans, s => s is { Service: "api", Kind: "Server" });
        Assert.Equal("POST /files/confirm-uploads", request.Name);
        Assert.Null(request.ParentSpanId);
        var publish = Assert.Single(spans, s => s is { Service: "api", Kind: "Producer" });
        Assert.Contains("FileUploaded", publish.Name);

        var consume = Assert.Single(spans, s => s.Kind == "Consumer" && s.ParentSpanId == publish.SpanId);
        Assert.StartsWith("worker", consume.Service);
        var sync = Assert.Single(spans, s => s.Name == "file.sync");
        Assert.Equal(consume.Service, sync.Service);
        Assert.Equal(ticket.FileId.ToString(), sync.Attributes["uploads.file.id"]);
        Assert.Equal("synced", sync.Attributes["uploads.sync.outcome"]);
        foreach (var step in new[] { "storage.open", "file.hash", "cache.commit" })
        {
            var span = Assert.Single(spans, s => s.Name == step);
            Assert.Equal(sync.SpanId, span.ParentSpanId);
        }

        Assert.Equal(content.Length.ToString(), spans.Single(s => s.Name == "file.hash").Attributes["uploads.sync.bytes"]);
        Assert.Contains(spans, s => s.Service == sync.Service && s.Kind == "Client" && s.Name == "GET");

        // One tree: every span but the request hangs under a span of the same trace.
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        Assert.All(spans.Where(s => s != request), span => Assert.Contains(span.ParentSpanId!, ids));

        // The history rows name the same trace, so a user can get from the file to its trace.
        Assert.All(file.History.Where(h => h.Status is FileStatus.Uploaded or FileStatus.Syncing or FileStatus.Synced),
            transition => Assert.Equal(confirmation.TraceId, transition.TraceId));
    }

    [Fact]
    public async Task The_worker_s_structured_logs_carry_the_trace_and_the_file_id()
    {
        var content = UploadsClient.RandomBytes(2_000);
        var fileId = await stack.Client.UploadAndConfirmAsync(content, declareDigest: false);
        var file = await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
        var traceId = file.History.Single(h => h.Status == FileStatus.Synced).TraceId!;

        var trace = await Eventually.MatchesAsync(
            () => stack.Dashboard.TraceAsync(traceId),
            t => t is not null && t.Logs.Any(l => l.Message.Contains("is Synced", StringComparison.Ordinal)),
            $"the worker's log of syncing {fileId} to reach the dashboard");

        var synced = trace!.Logs.First(l => l.Message.Contains("is Synced", StringComparison.Ordinal));
        Assert.StartsWith("worker", synced.Service);
        Assert.Equal(traceId, synced.TraceId);
        Assert.NotNull(synced.SpanId);
        Assert.Equal(fileId.ToString(), synced.Attributes["FileId"]);
    }

    [Fact]
    public async Task The_services_metrics_count_presigned_urls_confirmations_settled_files_and_sync_sizes()
    {
        var content = UploadsClient.RandomBytes(3_000);
        var fileId = await stack.Client.UploadAndConfirmAsync(content);
        await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);

        var metrics = await Eventually.MatchesAsync(
            stack.Dashboard.MetricsAsync,
            all => all.Any(m => m.Name == "uploads.sync.bytes_hashed") && all.Any(m => m.Name == "uploads.confirmations"),
            "the sync and confirmation metrics to reach the dashboard");

        Assert.True(Total(metrics, "api", "uploads.presigned_urls.issued") >= 1);
        Assert.True(Total(metrics, "api", "uploads.confirmations", ("uploads.confirmation.result", "UPLOADED")) >= 1);
        var workers = metrics.Where(m => m.Service.StartsWith("worker", StringComparison.Ordinal)).ToList();
        Assert.True(workers.Where(m => m.Name == "uploads.files.transitions")
            .SelectMany(m => m.Points)
            .Where(p => p.Attributes.GetValueOrDefault("uploads.file.status") == "SYNCED")
            .Sum(p => p.Value) >= 1);
        var hashed = workers.Where(m => m.Name == "uploads.sync.bytes_hashed").SelectMany(m => m.Points).ToList();
        Assert.Equal("By", workers.First(m => m.Name == "uploads.sync.bytes_hashed").Unit);
        Assert.True(hashed.Sum(p => (double)p.Count!.Value) >= 1);
        Assert.True(hashed.Max(p => p.Max) >= content.Length);
        Assert.Equal("s", workers.First(m => m.Name == "uploads.sync.duration").Unit);
    }

    static double Total(IReadOnlyList<MetricView> metrics, string service, string name, params (string Key, string Value)[] attributes) =>
        metrics.Where(m => m.Service == service && m.Name == name)
            .SelectMany(m => m.Points)
            .Where(p => attributes.All(a => p.Attributes.GetValueOrDefault(a.Key) == a.Value))
            .Sum(p => p.Value ?? 0);
}
