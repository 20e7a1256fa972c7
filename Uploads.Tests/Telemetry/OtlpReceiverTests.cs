using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Google.Protobuf;
using Uploads.AppHost.Dashboard;
using Uploads.AppHost.Dashboard.Otlp.Collector.Trace;
using Uploads.AppHost.Dashboard.Otlp.Common;
using Uploads.AppHost.Dashboard.Otlp.Trace;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Orchestration;
using Uploads.AppHost.Tokens;
using OtlpResource = Uploads.AppHost.Dashboard.Otlp.Resource.Resource;

namespace Uploads.Tests.Telemetry;

/// <summary>The dashboard's OTLP/HTTP receiver on its own, fed hand-built export requests.</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    readonly DashboardOptions options = new() { Port = Ports.Free(), OtlpPort = Ports.Free() };
    DashboardHost dashboard = null!;
    readonly HttpClient http = new();

    public async Task InitializeAsync() => dashboard = await DashboardHost.StartAsync(options, [], CancellationToken.None);

    [Fact]
    public async Task A_protobuf_export_is_stored_and_served_as_one_trace_across_services()
    {
        var traceId = Convert.FromHexString("0af7651916cd43dd8448eb211c80319c");
        var export = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                ResourceSpansOf("api", SpanOf(traceId, "b7ad6b7169203331", null, "POST /files/confirm-uploads", Span.Types.SpanKind.Server, 0, 40)),
                ResourceSpansOf("worker", SpanOf(traceId, "00f067aa0ba902b7", "b7ad6b7169203331", "file-sync process", Span.Types.SpanKind.Consumer, 10, 30)),
            },
        };

        using var response = await PostAsync("/v1/traces", export.ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        var trace = await http.GetFromJsonAsync<TraceView>($"{options.Url}/api/traces/0af7651916cd43dd8448eb211c80319c");
        Assert.NotNull(trace);
        Assert.Equal(["api", "worker"], trace.Spans.Select(s => s.Service));
        Assert.Equal("b7ad6b7169203331", trace.Spans[1].ParentSpanId);
        Assert.Equal(30, trace.Spans[1].DurationMs, precision: 3);
        Assert.Equal("Consumer", trace.Spans[1].Kind);
        Assert.Equal("f1.bin", trace.Spans[0].Attributes["uploads.file.name"]);

        var summaries = await http.GetFromJsonAsync<List<TraceSummary>>($"{options.Url}/api/traces?search=f1.bin");
        var summary = Assert.Single(summaries!);
        Assert.Equal("api: POST /files/confirm-uploads", summary.Name);
        Assert.Equal(2, summary.SpanCount);
    }

    [Fact]
    public async Task A_json_body_is_refused_with_415_and_garbage_with_400()
    {
        using var json = await PostAsync("/v1/traces", "{}"u8.ToArray(), "application/json");
        using var garbage = await PostAsync("/v1/logs", [0xff, 0xff, 0xff, 0x0f], "application/x-protobuf");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
    }

    [Fact]
    public async Task The_receiver_answers_only_on_the_OTLP_port_and_the_dashboard_only_on_its_own()
    {
        using var onDashboardPort = await http.PostAsync($"{options.Url}/v1/traces", new ByteArrayContent([]));
        using var pageOnOtlpPort = await http.GetAsync($"{options.OtlpUrl}/");

        Assert.Equal(HttpStatusCode.NotFound, onDashboardPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pageOnOtlpPort.StatusCode);
    }

    async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await http.PostAsync($"{options.OtlpUrl}{path}", content);
    }

    static ResourceSpans ResourceSpansOf(string service, Span span) => new()
    {
        Resource = new OtlpResource { Attributes = { Attribute("service.name", service) } },
        ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "test" }, Spans = { span } } },
    };

    static Span SpanOf(byte[] traceId, string spanId, string? parentSpanId, string name, Span.Types.SpanKind kind, int startMs, int durationMs)
    {
        var start = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + (ulong)startMs * 1_000_000;
        return new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
            ParentSpanId = parentSpanId is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(parentSpanId)),
            Name = name,
            Kind = kind,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + (ulong)durationMs * 1_000_000,
            Attributes = { Attribute("uploads.file.name", "f1.bin") },
        };
    }

    static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public async Task DisposeAsync()
    {
        http.Dispose();
        await dashboard.DisposeAsync();
    }
}
