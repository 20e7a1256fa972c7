using System.Collections.Concurrent;
using System.Net;

namespace Uploads.Tests.Fixtures;

/// <summary>Records the status and the <c>Retry-After</c> of every response a client got, so a test can prove what a fault made the API answer.</summary>
public sealed class ResponseLog() : DelegatingHandler(new HttpClientHandler())
{
    readonly ConcurrentQueue<(HttpStatusCode Status, bool RetryAfter)> responses = new();

    /// <summary>Responses with <paramref name="status"/> that carried a <c>Retry-After</c> header.</summary>
    public int CountWithRetryAfter(HttpStatusCode status) => responses.Count(r => r.Status == status && r.RetryAfter);

    /// <summary>Responses with <paramref name="status"/>, with or without <c>Retry-After</c>.</summary>
    public int Count(HttpStatusCode status) => responses.Count(r => r.Status == status);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        responses.Enqueue((response.StatusCode, response.Headers.RetryAfter is not null));
        return response;
    }
}
