using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Uploads.Infrastructure.Scanning;

/// <summary>
/// Scans content with clamd over its TCP protocol, as it streams by: <c>zINSTREAM</c>, then each chunk prefixed with its
/// length (4 bytes, network order), then a zero length; clamd answers <c>stream: OK</c> or <c>stream: NAME FOUND</c>
/// (clamd(8), "INSTREAM"). No .NET client for clamd is served here, and the protocol is these few lines.
/// </summary>
public sealed class ClamAvScanner(IOptions<ScanningOptions> options, ScannerEndpoint endpoint)
{
    /// <summary>Opens a scan; feed it every chunk of the content in order, then ask for the verdict.</summary>
    public async Task<ClamAvScan> BeginAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("zINSTREAM\0"u8.ToArray(), cancellationToken);
            return new ClamAvScan(client, stream, options.Value.VerdictTimeout);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            client.Dispose();
            throw new ScannerUnavailableException($"clamd at {endpoint} cannot be reached: {ex.Message}", ex);
        }
    }

    /// <summary>clamd's own liveness question: <c>PING</c>, answered <c>PONG</c>.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("zPING\0"u8.ToArray(), cancellationToken);
        return await ClamAvScan.ReadReplyAsync(stream, cancellationToken) == "PONG";
    }
}

/// <summary>One <c>INSTREAM</c> session.</summary>
public sealed class ClamAvScan(TcpClient client, NetworkStream stream, TimeSpan verdictTimeout) : IAsyncDisposable
{
    const string Found = " FOUND";
    readonly byte[] length = new byte[4];

    public async Task AppendAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)chunk.Length);
        try
        {
            await stream.WriteAsync(length, cancellationToken);
            await stream.WriteAsync(chunk, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new ScannerUnavailableException($"clamd closed the stream: {ex.Message}", ex);
        }
    }

    public async Task<ScanVerdict> VerdictAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(verdictTimeout);
        string reply;
        try
        {
            await stream.WriteAsync(new byte[4], timeout.Token);
            reply = await ReadReplyAsync(stream, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ScannerUnavailableException($"clamd gave no verdict: {ex.Message}", ex);
        }

        // "stream: OK", "stream: Eicar-Signature FOUND", or an error such as "INSTREAM size limit exceeded. ERROR".
        var answer = reply.StartsWith("stream: ", StringComparison.Ordinal) ? reply["stream: ".Length..] : reply;
        return answer switch
        {
            "OK" => new ScanVerdict(null),
            _ when answer.EndsWith(Found, StringComparison.Ordinal) => new ScanVerdict(answer[..^Found.Length]),
            _ => throw new ScannerUnavailableException($"clamd answered: {reply}"),
        };
    }

    internal static async Task<string> ReadReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reply = new MemoryStream();
        var buffer = new byte[256];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var end = Array.IndexOf(buffer, (byte)0, 0, read);
            reply.Write(buffer, 0, end < 0 ? read : end);
            if (end >= 0 || reply.Length > 4096)
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(reply.GetBuffer(), 0, (int)reply.Length).Trim();
    }

    public ValueTask DisposeAsync()
    {
        stream.Dispose();
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
