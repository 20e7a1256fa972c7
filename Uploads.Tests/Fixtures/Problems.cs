using System.Text.Json;

namespace Uploads.Tests.Fixtures;

public sealed record Problem(int Status, string? Title, string? Detail, string? Code, string? TraceId, IReadOnlyDictionary<string, string[]> Errors);

public static class Problems
{
    /// <summary>Reads an RFC 9457 answer and checks what every problem of this API carries: the media type, a status, a code and a trace id.</summary>
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray())
            : [];
        var problem = new Problem(root.GetProperty("status").GetInt32(), Text("title"), Text("detail"), Text("code"), Text("trace_id"), errors);

        Assert.Equal((int)response.StatusCode, problem.Status);
        Assert.False(string.IsNullOrEmpty(problem.Code), "every problem carries a code");
        Assert.Matches("^[0-9a-f]{32}$", problem.TraceId ?? "");
        return problem;
    }
}
