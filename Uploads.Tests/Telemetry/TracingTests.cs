using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Telemetry;

/// <summary>What the services export over OTLP reaches the AppHost's receiver, and one upload reads as one trace.</summary>
[Collection(ExclusiveCollection.Name)]
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
        var api = stack.Resources.Api.Name;
        var request = Assert.Single(spans, s => s.Service == api && s.Kind == "Server");
        Assert.Equal("POST /files/confirm-uploads", request.Name);
        Assert.Null(request.ParentSpanId);
        var publish = Assert.Single(spans, s => s.Service == api && s.Kind == "Producer");
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
    public async Task The_worker_s_structured_logs_carry_the_file_id_and_the_trace_of_the_API_call_that_confirmed_it()
    {
        var content = UploadsClient.RandomBytes(2_000);
        var (ticket, confirmation) = await stack.Client.UploadAsync(content, "logged.bin");
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);

        // Found by the file id alone, among every service's logs: the trace id is then compared with the one the API answered.
        var synced = await Eventually.MatchesAsync(
            async () => (await stack.Dashboard.LogsAsync()).FirstOrDefault(l =>
                l.Attributes.GetValueOrDefault("FileId") == ticket.FileId.ToString() && l.Message.Contains("is Synced", StringComparison.Ordinal)),
            log => log is not null,
            $"the worker's log of syncing {ticket.FileId} to reach the dashboard");

        Assert.StartsWith("worker", synced!.Service);
        Assert.Equal(confirmation.TraceId, synced.TraceId);
        Assert.NotNull(synced.SpanId);
        var trace = await stack.Dashboard.WholeTraceAsync(confirmation.TraceId);
        Assert.Contains(trace.Spans, s => s.SpanId == synced.SpanId && s.Service == synced.Service);
    }

    [Fact]
    public async Task The_services_metrics_count_exactly_this_upload_s_presigned_url_confirmation_settled_file_and_bytes()
    {
        var content = UploadsClient.RandomBytes(3_000);
        var before = await SettledMetricsAsync();

        var fileId = await stack.Client.UploadAndConfirmAsync(content);
        await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
        var after = await SettledMetricsAsync();

        // The stack is shared, but its tests run one at a time and each waits for its own files: between the two
        // snapshots, only this upload happened, so every figure moved by exactly what it did.
        Assert.Equal(1, DashboardClient.Total(after, Api, "uploads.presigned_urls.issued") - DashboardClient.Total(before, Api, "uploads.presigned_urls.issued"));
        Assert.Equal(1, Confirmed(after) - Confirmed(before));
        Assert.Equal(1, Synced(after) - Synced(before));
        var (countBefore, bytesBefore) = Hashed(before);
        var (countAfter, bytesAfter) = Hashed(after);
        Assert.Equal(1, countAfter - countBefore);
        Assert.Equal(content.Length, bytesAfter - bytesBefore);
        Assert.Equal("By", after.First(m => m.Name == "uploads.sync.bytes_hashed").Unit);
        Assert.Equal("s", after.First(m => m.Name == "uploads.sync.duration").Unit);

        double Confirmed(IReadOnlyList<MetricView> metrics) =>
            DashboardClient.Total(metrics, Api, "uploads.confirmations", ("uploads.confirmation.result", "UPLOADED"));
        static double Synced(IReadOnlyList<MetricView> metrics) => metrics
            .Where(m => m.Service.StartsWith("worker", StringComparison.Ordinal) && m.Name == "uploads.files.transitions")
            .SelectMany(m => m.Points)
            .Where(p => p.Attributes.GetValueOrDefault("uploads.file.status") == "SYNCED")
            .Sum(p => p.Value ?? 0);
        static (double Count, double Bytes) Hashed(IReadOnlyList<MetricView> metrics)
        {
            var points = metrics.Where(m => m.Service.StartsWith("worker", StringComparison.Ordinal) && m.Name == "uploads.sync.bytes_hashed")
                .SelectMany(m => m.Points).ToList();
            return (points.Sum(p => (double)(p.Count ?? 0)), points.Sum(p => p.Sum ?? 0));
        }
    }

    Task<IReadOnlyList<MetricView>> SettledMetricsAsync() =>
        stack.Dashboard.SettledMetricsAsync(stack.Resources.Workers.Select(w => w.Name).Prepend(Api));

    /// <summary>The API replica the stack's client calls, as its telemetry names it.</summary>
    string Api => stack.Resources.Api.Name;
}
