using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Uploads.Cli.Configuration;

namespace Uploads.Cli.Api;

/// <summary>The Uploads API, with the token; every call retried while the failure may pass.</summary>
public sealed class UploadsClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    readonly HttpClient http;

    public UploadsClient(ClientSettings settings)
    {
        http = new HttpClient { BaseAddress = settings.Api, Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("uploads-cli", typeof(UploadsClient).Assembly.GetName().Version?.ToString(3)));
    }

    public Task<BatchTicket> OpenBatchAsync(string externalId, IReadOnlyList<FileToUpload> files, CancellationToken cancellationToken) =>
        SendAsync<BatchTicket>(HttpMethod.Post, "batches", new { external_id = externalId, files }, cancellationToken);

    public Task<BatchTicket> AddToBatchAsync(Guid batchId, IReadOnlyList<FileToUpload> files, CancellationToken cancellationToken) =>
        SendAsync<BatchTicket>(HttpMethod.Post, $"batches/{batchId}/files", new { files }, cancellationToken);

    public Task<BatchView> GetBatchAsync(Guid batchId, CancellationToken cancellationToken) =>
        SendAsync<BatchView>(HttpMethod.Get, $"batches/{batchId}", null, cancellationToken);

    public Task<BatchPage> ListBatchesAsync(string? cursor, CancellationToken cancellationToken) =>
        SendAsync<BatchPage>(HttpMethod.Get, "batches?limit=100" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), null, cancellationToken);

    public Task<FilePage> ListFilesAsync(Guid? batchId, string? status, string? cursor, CancellationToken cancellationToken)
    {
        var query = "files?limit=500"
            + (batchId is { } batch ? $"&batch_id={batch}" : "")
            + (status is null ? "" : $"&status={status}")
            + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
        return SendAsync<FilePage>(HttpMethod.Get, query, null, cancellationToken);
    }

    public Task<FileSummary> GetFileAsync(Guid fileId, CancellationToken cancellationToken) =>
        SendAsync<FileSummary>(HttpMethod.Get, $"files/{fileId}", null, cancellationToken);

    public Task<ConfirmationResponse> ConfirmAsync(IReadOnlyList<(Guid FileId, long Size)> files, CancellationToken cancellationToken) =>
        SendAsync<ConfirmationResponse>(HttpMethod.Post, "files/confirm-uploads",
            new { files = files.Select(f => new { file_id = f.FileId, file_size = f.Size }) }, cancellationToken);

    /// <summary>Completes a multipart upload; the answer is the file's confirmation, or the problem that refused it.</summary>
    public Task<ConfirmationResult> CompleteMultipartAsync(Guid fileId, IReadOnlyList<(int Number, string ETag)> parts, string sha256, CancellationToken cancellationToken) =>
        SendAsync<ConfirmationResult>(HttpMethod.Post, $"files/{fileId}/complete-multipart",
            new { parts = parts.Select(p => new { part_number = p.Number, etag = p.ETag }), sha256 }, cancellationToken);

    /// <summary>The file's content from <paramref name="offset"/> on (a Range request when above 0), as a stream to copy.</summary>
    public async Task<HttpResponseMessage> OpenContentAsync(Guid fileId, long offset, string? ifRange, CancellationToken cancellationToken) =>
        await Retry.RunAsync(async token =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"files/{fileId}/content");
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
                if (ifRange is not null)
                {
                    request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue(ifRange));
                }
            }

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    Retry.ThrowIfTransient(response);
                    throw await ApiException.FromAsync(response, token);
                }
            }

            return response;
        }, cancellationToken);

    async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        await Retry.RunAsync(async token =>
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
            using var response = await http.SendAsync(request, token);
            if (!response.IsSuccessStatusCode)
            {
                Retry.ThrowIfTransient(response);
                throw await ApiException.FromAsync(response, token);
            }

            return await response.Content.ReadFromJsonAsync<T>(Json, token)
                ?? throw new ApiException($"{method} {path} answered an empty body.", null);
        }, cancellationToken);

    public void Dispose() => http.Dispose();
}

/// <summary>The API refused a call: its problem details, in one line.</summary>
public sealed class ApiException(string message, ProblemDetails? problem) : Exception(message)
{
    public ProblemDetails? Problem { get; } = problem;

    public static async Task<ApiException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(UploadsClient.Json, cancellationToken);
        }
        catch (JsonException)
        {
        }

        var what = problem is { } p ? $"{p.Code ?? p.Title}: {p.Detail}" : response.ReasonPhrase;
        return new ApiException($"{(int)response.StatusCode} {what}", problem);
    }
}
