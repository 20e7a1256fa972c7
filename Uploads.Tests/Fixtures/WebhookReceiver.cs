using Uploads.AppHost.Resources;
using Uploads.AppHost;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace Uploads.Tests.Fixtures;

/// <param name="Body">The request body, as sent.</param>
/// <param name="Headers">The request headers, as a receiver's framework hands them over.</param>
/// <param name="AnsweredWith">The status code the receiver answered.</param>
public sealed record ReceivedWebhook(string Body, IHeaderDictionary Headers, int AnsweredWith);

/// <summary>
/// A webhook receiver on loopback, a real HTTP server: it keeps what it gets and answers each request with the next of
/// the status codes it was given, then 200.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    readonly HttpListener listener = new();
    readonly ConcurrentQueue<int> answers;
    readonly ConcurrentQueue<ReceivedWebhook> received = new();

    WebhookReceiver(int port, IEnumerable<int> answers)
    {
        Url = $"http://127.0.0.1:{port}/hooks/";
        this.answers = new ConcurrentQueue<int>(answers);
        listener.Prefixes.Add(Url);
        listener.Prefixes.Add($"http://localhost:{port}/hooks/");
        listener.Start();
        _ = ServeAsync();
    }

    public string Url { get; }

    public IReadOnlyList<ReceivedWebhook> Received => [.. received];

    /// <summary>Listens on a free port; the first requests are answered with <paramref name="answers"/>, then 200.</summary>
    public static WebhookReceiver Start(params int[] answers) => new(FreePorts.Next(), answers);

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = new HeaderDictionary();
            foreach (var name in context.Request.Headers.AllKeys.OfType<string>())
            {
                headers[name] = context.Request.Headers[name];
            }

            var status = answers.TryDequeue(out var next) ? next : 200;
            received.Enqueue(new ReceivedWebhook(body, headers, status));
            context.Response.StatusCode = status;
            if (status is >= 300 and < 400)
            {
                context.Response.RedirectLocation = "http://127.0.0.1:9/elsewhere";
            }

            context.Response.Close();
        }
    }

    public void Dispose() => listener.Close();
}
