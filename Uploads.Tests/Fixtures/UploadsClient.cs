using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;

namespace Uploads.Tests.Fixtures;

/// <summary>Drives the API the way a web frontend does: ask, POST the form straight to storage, confirm, read.</summary>
public sealed class UploadsClient(HttpClient api)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };

    static readonly HttpClient Storage = new();

    public HttpClient Http => api;

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => api.PostAsJsonAsync(path, body, Json);

    public async Task<UploadTicket> RequestUploadAsync(
        string filename, long? size = null, string? sha256 = null, string? externalId = null, string? contentType = null, string? method = null)
    {
        using var response = await PostJsonAsync("/files/presigned-upload",
            new { filename, size, sha256, external_id = externalId, content_type = contentType, method });
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<UploadTicket>(Json))!;
    }

    /// <summary>A real multipart/form-data POST to the presigned URL: every form field, then the file, last, named <c>file</c>.</summary>
    public static Task UploadToStorageAsync(UploadTicket ticket, byte[] content, string filename = "file.bin") =>
        UploadToStorageAsync(ticket, new ByteArrayContent(content), filename);

    /// <summary>The same POST, streaming the file from disk.</summary>
    public static async Task UploadFileToStorageAsync(UploadTicket ticket, string path)
    {
        await using var file = File.OpenRead(path);
        await UploadToStorageAsync(ticket, new StreamContent(file, 1024 * 1024), Path.GetFileName(path));
    }

    static async Task UploadToStorageAsync(UploadTicket ticket, HttpContent file, string filename)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in ticket.FormFields!)
        {
            form.Add(new StringContent(value), name);
        }

        file.Headers.ContentType = MediaTypeHeaderValue.Parse(ticket.FormFields!["Content-Type"]);
        form.Add(file, "file", filename);
        using var response = await Storage.PostAsync(ticket.UploadUrl, form);
        await EnsureSuccessAsync(response);
    }

    public async Task<ConfirmUploadsResponse> ConfirmAsync(params (Guid FileId, long FileSize)[] files)
    {
        using var response = await PostJsonAsync("/files/confirm-uploads",
            new { files = files.Select(f => new { file_id = f.FileId, file_size = f.FileSize }) });
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<ConfirmUploadsResponse>(Json))!;
    }

    public async Task<MultipartUploadTicket> StartMultipartAsync(string filename, long size, string? sha256 = null)
    {
        using var response = await PostJsonAsync("/files/multipart-upload", new { filename, size, sha256 });
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<MultipartUploadTicket>(Json))!;
    }

    /// <summary>PUTs one part of <paramref name="content"/> to its presigned URL; returns the part's ETag.</summary>
    public static async Task<string> PutPartAsync(PartUpload part, byte[] content, long partSize)
    {
        var offset = (int)((part.PartNumber - 1) * partSize);
        using var response = await Storage.PutAsync(part.Url, new ByteArrayContent(content, offset, (int)Math.Min(partSize, content.Length - offset)));
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.Tag;
    }

    public async Task<ConfirmationResult> CompleteMultipartAsync(Guid fileId, IDictionary<int, string> etags)
    {
        using var response = await PostJsonAsync($"/files/{fileId}/complete-multipart",
            new { parts = etags.OrderBy(e => e.Key).Select(e => new { part_number = e.Key, etag = e.Value }) });
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<ConfirmationResult>(Json))!;
    }

    public async Task<FileDetails> GetFileAsync(Guid fileId)
    {
        using var response = await api.GetAsync($"/files/{fileId}");
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<FileDetails>(Json))!;
    }

    /// <summary>How long a picture's derivatives may take on this machine, from confirmation: decoding and scanning included.</summary>
    public static readonly TimeSpan DerivativesTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Waits until the file settled and its derivatives are no longer pending (ready, failed, or none to make).</summary>
    public Task<FileDetails> WaitForDerivativesAsync(Guid fileId) =>
        Eventually.MatchesAsync(
            () => GetFileAsync(fileId),
            file => FileStateMachine.IsTerminal(file.Status) && file.Derivatives.Status != "pending",
            $"the derivatives of file {fileId}",
            DerivativesTimeout);

    /// <summary>Waits until the file reaches a terminal state, or <paramref name="expected"/>, and returns it.</summary>
    public Task<FileDetails> WaitForStatusAsync(Guid fileId, FileStatus expected, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(
            () => GetFileAsync(fileId),
            file => file.Status == expected || FileStateMachine.IsTerminal(file.Status),
            $"file {fileId} to be {expected}",
            timeout);

    /// <summary>Requests, uploads and confirms one file; returns its id once the confirmation answered.</summary>
    public async Task<Guid> UploadAndConfirmAsync(byte[] content, string filename = "file.bin", bool declareDigest = true)
    {
        var (ticket, confirmation) = await UploadAsync(content, filename, declareDigest ? Sha256Of(content) : null);
        Assert.Null(confirmation.Results.Single().Error);
        return ticket.FileId;
    }

    /// <summary>Requests, uploads and confirms one file; returns the ticket and the confirmation (with its trace id).</summary>
    public async Task<(UploadTicket Ticket, ConfirmUploadsResponse Confirmation)> UploadAsync(byte[] content, string filename = "file.bin", string? sha256 = null)
    {
        var ticket = await RequestUploadAsync(filename, content.Length, sha256);
        await UploadToStorageAsync(ticket, content, filename);
        return (ticket, await ConfirmAsync((ticket.FileId, content.Length)));
    }

    public static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Retries <paramref name="call"/> while a dependency is out (503) or the API does not answer, as a client should;
    /// any other failure, a 500 above all, fails at once.
    /// </summary>
    public static async Task<T> RetryWhileUnavailableAsync<T>(Func<Task<T>> call, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null or System.Net.HttpStatusCode.ServiceUnavailable && !deadline.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
    }

    static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}",
                null,
                response.StatusCode);
        }
    }
}
