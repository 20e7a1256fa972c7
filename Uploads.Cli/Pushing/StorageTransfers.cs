using Uploads.Cli.Api;

namespace Uploads.Cli.Pushing;

/// <summary>
/// Sends bytes straight to storage with the URLs the API signed (never with the API's token), each request retried on
/// its own; <paramref name="sent"/> hears every byte that left, for the progress display.
/// </summary>
public sealed class StorageTransfers(Action<long> sent) : IDisposable
{
    readonly HttpClient http = new() { Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>PUTs the whole file with the headers the API signed.</summary>
    public Task PutFileAsync(UploadTicket ticket, LocalFile file, CancellationToken cancellationToken) =>
        PutAsync(ticket.UploadUrl!, ticket.Headers, file, 0, file.Size, cancellationToken);

    /// <summary>PUTs one part; answers the ETag storage gave it.</summary>
    public Task<string> PutPartAsync(PartTicket part, LocalFile file, long offset, long length, CancellationToken cancellationToken) =>
        PutAsync(part.Url, null, file, offset, length, cancellationToken);

    async Task<string> PutAsync(string url, IReadOnlyDictionary<string, string>? headers, LocalFile file, long offset, long length, CancellationToken cancellationToken) =>
        await Retry.RunAsync(async token =>
        {
            var counted = 0L;
            using var request = new HttpRequestMessage(HttpMethod.Put, url)
            {
                Content = new FileSegmentContent(file, offset, length, bytes =>
                {
                    counted += bytes;
                    sent(bytes);
                }),
            };
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            try
            {
                using var response = await http.SendAsync(request, token);
                Retry.ThrowIfTransient(response);
                if (!response.IsSuccessStatusCode)
                {
                    throw new StorageRefusedException($"Storage refused {Path.GetFileName(file.FullPath)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}");
                }

                return response.Headers.ETag?.Tag ?? throw new StorageRefusedException("Storage answered no ETag.");
            }
            catch
            {
                // What this attempt sent is sent again by the next one: the display counts bytes stored, not bytes tried.
                sent(-counted);
                throw;
            }
        }, cancellationToken);

    public void Dispose() => http.Dispose();
}

/// <summary>Storage refused a request for good (an expired or forbidden URL, a size it would not take).</summary>
public sealed class StorageRefusedException(string message) : Exception(message);
