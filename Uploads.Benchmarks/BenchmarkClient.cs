using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Uploads.Benchmarks;

/// <summary>The calls a web frontend makes, timed: ask for a presigned POST, send the form to storage, confirm, watch.</summary>
public sealed class BenchmarkClient(Uri api, string token) : IDisposable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    readonly HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512 })
    {
        BaseAddress = api,
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    // Storage gets no Authorization header: the API's token is for the API only; the presigned form is the credential.
    readonly HttpClient storage = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { Timeout = TimeSpan.FromMinutes(5) };

    public HttpClient Http => http;

    /// <summary>The bearer token the benchmark calls with, for the command-line client it runs.</summary>
    public string Token => token;

    /// <summary>Opens up to <paramref name="count"/> connections to the API (as many calls at once, each needing its own), kept for later calls.</summary>
    public async Task OpenConnectionsAsync(int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ => (await http.GetAsync("/alive")).Dispose()));

    public async Task<JsonObject> RequestUploadAsync(string filename, long size, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/files/presigned-upload", new { filename, size }, Json, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
    }

    /// <summary>The multipart/form-data POST to storage: every form field, then the file, last, named <c>file</c>.</summary>
    public async Task UploadAsync(JsonObject ticket, HttpContent file, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in ticket["form_fields"]!.AsObject())
        {
            form.Add(new StringContent(value!.GetValue<string>()), name);
        }

        form.Add(file, "file", "bench.bin");
        using var response = await storage.PostAsync(ticket["upload_url"]!.GetValue<string>(), form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Storage answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public async Task ConfirmAsync(Guid fileId, long size, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/files/confirm-uploads", new { files = new[] { new { file_id = fileId, file_size = size } } }, Json, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<string> GetStatusAsync(Guid fileId, CancellationToken cancellationToken)
    {
        var file = await http.GetFromJsonAsync<JsonObject>($"/files/{fileId}", cancellationToken);
        return file!["status"]!.GetValue<string>();
    }

    /// <summary>Opens the file's event stream: the server pushes each transition, so nothing is polled.</summary>
    public async Task<Func<Task<(string Status, TimeSpan At)>>> WatchAsync(Guid fileId, Stopwatch clock, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync($"/files/{fileId}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return async () =>
        {
            using (response)
            {
                var last = "";
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
                {
                    last = JsonNode.Parse(item.Data)!["status"]!.GetValue<string>();
                    if (last is "SYNCED" or "FAILED" or "EXPIRED")
                    {
                        return (last, clock.Elapsed);
                    }
                }

                return (last, clock.Elapsed);
            }
        };
    }

    public void Dispose()
    {
        http.Dispose();
        storage.Dispose();
    }
}
