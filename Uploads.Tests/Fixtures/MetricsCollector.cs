using System.Globalization;
using System.IO.Compression;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Uploads.Tests.Fixtures.Otlp.Collector.Metrics;
using Uploads.Tests.Fixtures.Otlp.Common;
using Uploads.Tests.Fixtures.Otlp.Metrics;
using OtlpResource = Uploads.Tests.Fixtures.Otlp.Resource.Resource;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The tests' own OTLP/HTTP receiver for metrics (<c>POST /v1/metrics</c>, protobuf): Aspire's dashboard shows metrics
/// but its telemetry API serves only traces and logs, so the stack's services send their metrics here as well
/// (<c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>), and a test reads each series' latest cumulative value.
/// </summary>
public sealed class MetricsCollector : IAsyncDisposable
{
    readonly WebApplication app;
    readonly Lock gate = new();
    readonly Dictionary<(string Service, string Name), MetricView> metrics = [];

    MetricsCollector(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        app = builder.Build();
        app.MapPost("/v1/metrics", ReceiveAsync);
        Url = $"http://127.0.0.1:{port}/v1/metrics";
    }

    public string Url { get; }

    public static async Task<MetricsCollector> StartAsync(int port)
    {
        var collector = new MetricsCollector(port);
        await collector.app.StartAsync();
        return collector;
    }

    public IReadOnlyList<MetricView> Metrics()
    {
        lock (gate)
        {
            return [.. metrics.Values];
        }
    }

    async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = request.Headers.ContentEncoding.ToString() == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        Add(Read(ExportMetricsServiceRequest.Parser.ParseFrom(buffer.ToArray())));
        return TypedResults.Bytes(new ExportMetricsServiceResponse().ToByteArray(), "application/x-protobuf");
    }

    /// <summary>
    /// Keeps, per series, the point exported last: the SDK exports cumulative values, so the last is the total. A process
    /// started again (a test killed a worker) counts from zero under the same name with a new start time: its series are
    /// kept beside the old ones, so a total never goes down.
    /// </summary>
    void Add(IEnumerable<MetricView> exported)
    {
        lock (gate)
        {
            foreach (var metric in exported)
            {
                var key = (metric.Service, metric.Name);
                if (metrics.TryGetValue(key, out var known))
                {
                    var points = known.Points.ToDictionary(SeriesKey);
                    foreach (var point in metric.Points)
                    {
                        points[SeriesKey(point)] = point;
                    }

                    metrics[key] = metric with { Points = [.. points.Values] };
                }
                else
                {
                    metrics[key] = metric;
                }
            }
        }

        static string SeriesKey(MetricPointView point) =>
            string.Join(',', point.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")) + $"@{point.StartTimeMs}";
    }

    static IEnumerable<MetricView> Read(ExportMetricsServiceRequest export) =>
        from resourceMetrics in export.ResourceMetrics
        let service = InstanceName(resourceMetrics.Resource)
        from scopeMetrics in resourceMetrics.ScopeMetrics
        from metric in scopeMetrics.Metrics
        where metric.DataCase is Metric.DataOneofCase.Sum or Metric.DataOneofCase.Gauge or Metric.DataOneofCase.Histogram
        select new MetricView(service, metric.Name, metric.Unit, Points(metric));

    static IReadOnlyList<MetricPointView> Points(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Sum => [.. metric.Sum.DataPoints.Select(NumberPoint)],
        Metric.DataOneofCase.Gauge => [.. metric.Gauge.DataPoints.Select(NumberPoint)],
        _ => [.. metric.Histogram.DataPoints.Select(point => new MetricPointView(
            Attributes(point.Attributes), null, point.Count, point.HasSum ? point.Sum : null, point.TimeUnixNano / 1e6, point.StartTimeUnixNano / 1e6))],
    };

    static MetricPointView NumberPoint(NumberDataPoint point) => new(
        Attributes(point.Attributes),
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble,
        null,
        null,
        point.TimeUnixNano / 1e6,
        point.StartTimeUnixNano / 1e6);

    /// <summary>The replica as Aspire names it: <c>service.name</c>, a dash, <c>service.instance.id</c> (<c>worker-kadkxyar</c>).</summary>
    static string InstanceName(OtlpResource? resource)
    {
        var attributes = resource is null ? [] : Attributes(resource.Attributes);
        return attributes.TryGetValue("service.instance.id", out var instance)
            ? $"{attributes.GetValueOrDefault("service.name")}-{instance}"
            : attributes.GetValueOrDefault("service.name", "unknown");
    }

    static Dictionary<string, string> Attributes(RepeatedField<KeyValue> attributes) =>
        attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value is { } value ? Text(value) : "");

    static string Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>One metric of one service replica, with the latest point of each of its series.</summary>
public sealed record MetricView(string Service, string Name, string Unit, IReadOnlyList<MetricPointView> Points);

/// <summary>The latest value of one series: a sum or gauge's value, or a histogram's count and sum.</summary>
public sealed record MetricPointView(IReadOnlyDictionary<string, string> Attributes, double? Value, ulong? Count, double? Sum, double TimeMs, double StartTimeMs);
