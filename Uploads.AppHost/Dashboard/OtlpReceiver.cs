using System.Globalization;
using System.IO.Compression;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Uploads.AppHost.Dashboard.Otlp.Collector.Logs;
using Uploads.AppHost.Dashboard.Otlp.Collector.Metrics;
using Uploads.AppHost.Dashboard.Otlp.Collector.Trace;
using Uploads.AppHost.Dashboard.Otlp.Common;
using Uploads.AppHost.Dashboard.Otlp.Metrics;
using Uploads.AppHost.Dashboard.Otlp.Trace;
using OtlpResource = Uploads.AppHost.Dashboard.Otlp.Resource.Resource;

namespace Uploads.AppHost.Dashboard;

/// <summary>
/// OTLP/HTTP with protobuf bodies (<c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>), the wire format the
/// services' OpenTelemetry exporter speaks when <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>.
/// </summary>
public static class OtlpReceiver
{
    const string Protobuf = "application/x-protobuf";
    const int MaxBodyBytes = 32 * 1024 * 1024;

    public static IEndpointRouteBuilder MapOtlpReceiver(this IEndpointRouteBuilder endpoints, TelemetryStore store, string host)
    {
        var otlp = endpoints.MapGroup("/v1").RequireHost(host);
        otlp.MapPost("/traces", (HttpRequest request, CancellationToken cancellationToken) =>
            ReceiveAsync(request, ExportTraceServiceRequest.Parser, export => store.AddSpans(Spans(export)), new ExportTraceServiceResponse(), cancellationToken));
        otlp.MapPost("/metrics", (HttpRequest request, CancellationToken cancellationToken) =>
            ReceiveAsync(request, ExportMetricsServiceRequest.Parser, export => store.AddMetrics(Metrics(export)), new ExportMetricsServiceResponse(), cancellationToken));
        otlp.MapPost("/logs", (HttpRequest request, CancellationToken cancellationToken) =>
            ReceiveAsync(request, ExportLogsServiceRequest.Parser, export => store.AddLogs(Logs(export)), new ExportLogsServiceResponse(), cancellationToken));
        return endpoints;
    }

    static async Task<IResult> ReceiveAsync<TRequest>(
        HttpRequest request, MessageParser<TRequest> parser, Action<TRequest> store, IMessage response, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                $"This receiver takes OTLP/HTTP with protobuf bodies ({Protobuf}); set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        TRequest export;
        try
        {
            export = parser.ParseFrom(await ReadBodyAsync(request, cancellationToken));
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            return TypedResults.Problem($"The body is not an OTLP export request: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
        }

        store(export);
        return TypedResults.Bytes(response.ToByteArray(), Protobuf);
    }

    static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = request.Headers.ContentEncoding.ToString() switch
        {
            "gzip" => new GZipStream(request.Body, CompressionMode.Decompress),
            "" or "identity" => request.Body,
            var other => throw new InvalidDataException($"Content-Encoding '{other}' is not supported."),
        };
        await using (body)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw new InvalidDataException($"The body is over {MaxBodyBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    static IEnumerable<SpanView> Spans(ExportTraceServiceRequest export) =>
        from resourceSpans in export.ResourceSpans
        let service = ServiceName(resourceSpans.Resource)
        from scopeSpans in resourceSpans.ScopeSpans
        from span in scopeSpans.Spans
        select new SpanView(
            Hex(span.TraceId),
            Hex(span.SpanId),
            span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
            span.Name,
            service,
            span.Kind.ToString(),
            scopeSpans.Scope?.Name ?? "",
            Milliseconds(span.StartTimeUnixNano),
            (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1e6,
            span.Status?.Code switch
            {
                Status.Types.StatusCode.Error => "Error",
                Status.Types.StatusCode.Ok => "Ok",
                _ => "Unset",
            },
            string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
            Attributes(span.Attributes));

    static IEnumerable<LogView> Logs(ExportLogsServiceRequest export) =>
        from resourceLogs in export.ResourceLogs
        let service = ServiceName(resourceLogs.Resource)
        from scopeLogs in resourceLogs.ScopeLogs
        from record in scopeLogs.LogRecords
        select new LogView(
            Milliseconds(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano),
            service,
            record.SeverityText.Length > 0 ? record.SeverityText : Severity(record.SeverityNumber),
            scopeLogs.Scope?.Name ?? "",
            record.Body is null ? "" : Text(record.Body),
            record.TraceId.IsEmpty ? null : Hex(record.TraceId),
            record.SpanId.IsEmpty ? null : Hex(record.SpanId),
            Attributes(record.Attributes));

    static IEnumerable<MetricView> Metrics(ExportMetricsServiceRequest export) =>
        from resourceMetrics in export.ResourceMetrics
        let service = ServiceName(resourceMetrics.Resource)
        from scopeMetrics in resourceMetrics.ScopeMetrics
        from metric in scopeMetrics.Metrics
        where metric.DataCase != Metric.DataOneofCase.None
        select new MetricView(
            service,
            scopeMetrics.Scope?.Name ?? "",
            metric.Name,
            metric.Description,
            metric.Unit,
            metric.DataCase.ToString().ToLowerInvariant(),
            Points(metric));

    static IReadOnlyList<MetricPointView> Points(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Sum => [.. metric.Sum.DataPoints.Select(NumberPoint)],
        Metric.DataOneofCase.Gauge => [.. metric.Gauge.DataPoints.Select(NumberPoint)],
        Metric.DataOneofCase.Histogram => [.. metric.Histogram.DataPoints.Select(point => new MetricPointView(
            Attributes(point.Attributes),
            null,
            point.Count,
            point.HasSum ? point.Sum : null,
            point.HasMin ? point.Min : null,
            point.HasMax ? point.Max : null,
            Milliseconds(point.TimeUnixNano)))],
        _ => [],
    };

    static MetricPointView NumberPoint(NumberDataPoint point) => new(
        Attributes(point.Attributes),
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble,
        null, null, null, null,
        Milliseconds(point.TimeUnixNano));

    static string ServiceName(OtlpResource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value is { } name ? Text(name) : "unknown";

    static Dictionary<string, string> Attributes(RepeatedField<KeyValue> attributes) =>
        attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value is { } value ? Text(value) : "");

    static string Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {(kv.Value is null ? "" : Text(kv.Value))}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => "",
    };

    /// <summary>OTLP's severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL.</summary>
    static string Severity(int number) => number switch
    {
        >= 21 => "Fatal",
        >= 17 => "Error",
        >= 13 => "Warning",
        >= 9 => "Information",
        >= 5 => "Debug",
        >= 1 => "Trace",
        _ => "Unspecified",
    };

    static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    static double Milliseconds(ulong unixNanoseconds) => unixNanoseconds / 1e6;
}
