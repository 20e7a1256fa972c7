using System.Net;

namespace Uploads.Cli.Api;

/// <summary>Retries what may pass on a second try (a dropped connection, a timeout, 429, 5xx) with exponential backoff and jitter.</summary>
public static class Retry
{
    public const int Attempts = 6;
    static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var tried = 1; ; tried++)
        {
            TimeSpan? wait;
            try
            {
                return await attempt(cancellationToken);
            }
            catch (TransientException ex) when (tried < Attempts)
            {
                wait = ex.RetryAfter;
            }
            catch (HttpRequestException ex) when (tried < Attempts && ex.StatusCode is null)
            {
                wait = null;
            }
            catch (TaskCanceledException) when (tried < Attempts && !cancellationToken.IsCancellationRequested)
            {
                // HttpClient's own timeout.
                wait = null;
            }

            await Task.Delay(wait ?? Backoff(tried), cancellationToken);
        }
    }

    public static TimeSpan Backoff(int tried)
    {
        var exponential = FirstDelay * Math.Pow(2, tried - 1);
        var capped = exponential < MaxDelay ? exponential : MaxDelay;
        return capped * (0.5 + Random.Shared.NextDouble() / 2);
    }

    /// <summary>Throws <see cref="TransientException"/> for an answer worth another try.</summary>
    public static void ThrowIfTransient(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500)
        {
            throw new TransientException($"{(int)response.StatusCode} {response.ReasonPhrase}", response.Headers.RetryAfter?.Delta);
        }
    }
}

public sealed class TransientException(string message, TimeSpan? retryAfter) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
