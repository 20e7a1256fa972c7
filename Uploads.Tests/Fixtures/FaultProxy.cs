using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Uploads.Tests.Fixtures;

/// <summary>What a <see cref="FaultProxy"/> does with connections: pass them, refuse them, or swallow what they send.</summary>
public enum FaultMode
{
    Pass,

    /// <summary>Open connections are reset; new ones are reset as soon as they are accepted (what a stopped server gives).</summary>
    Refuse,

    /// <summary>Connections stay open but nothing crosses (a partition): callers wait until their own timeouts.</summary>
    BlackHole,

    /// <summary>Everything crosses, each chunk late by <see cref="FaultProxy.Latency"/> (a slow or distant link).</summary>
    Delay,
}

/// <summary>
/// A TCP proxy the test stack puts between the services and one backing service (storage, PostgreSQL, RabbitMQ, Redis).
/// A test switches its mode to make a fault, and reads its counters to prove the fault met the work before it asserts
/// the outcome: a test whose fault landed after the work would otherwise pass for the wrong reason.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly int targetPort;
    readonly ConcurrentDictionary<Link, byte> links = new();
    readonly CancellationTokenSource stopping = new();
    readonly Task accepting;
    long accepted;
    long refused;
    long reset;
    long swallowed;
    long delayed;

    public FaultProxy(string name, int targetPort)
    {
        Name = name;
        this.targetPort = targetPort;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public string Name { get; }
    public int Port { get; }
    public FaultMode Mode { get; private set; } = FaultMode.Pass;

    /// <summary>How late each chunk crosses while delaying.</summary>
    public TimeSpan Latency { get; private set; }

    /// <summary>Connections taken since the stack started.</summary>
    public long Accepted => Interlocked.Read(ref accepted);

    /// <summary>Connections reset on arrival while refusing.</summary>
    public long Refused => Interlocked.Read(ref refused);

    /// <summary>Open connections reset by a change of mode.</summary>
    public long Reset => Interlocked.Read(ref reset);

    /// <summary>Bytes that reached the proxy while it swallowed them.</summary>
    public long Swallowed => Interlocked.Read(ref swallowed);

    /// <summary>Chunks held back while delaying.</summary>
    public long Delayed => Interlocked.Read(ref delayed);

    /// <summary>Delays every chunk that crosses, either way, by <paramref name="latency"/>.</summary>
    public void Delay(TimeSpan latency)
    {
        Latency = latency;
        Set(FaultMode.Delay);
    }

    /// <summary>Switches the mode. Leaving a black hole resets what it held, since bytes were lost; refusing resets what is open.</summary>
    public void Set(FaultMode mode)
    {
        var previous = Mode;
        Mode = mode;
        if (mode == FaultMode.Refuse || previous == FaultMode.BlackHole)
        {
            foreach (var link in links.Keys)
            {
                link.Abort();
                Interlocked.Increment(ref reset);
            }
        }
    }

    async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref accepted);
            if (Mode == FaultMode.Refuse)
            {
                Interlocked.Increment(ref refused);
                Abort(client);
                continue;
            }

            _ = ServeAsync(client);
        }
    }

    async Task ServeAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, targetPort, stopping.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The service itself is down: the caller sees what it would see without the proxy, a reset.
            Abort(client);
            server.Dispose();
            return;
        }

        var link = new Link(client, server);
        links.TryAdd(link, 0);
        try
        {
            await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        }
        finally
        {
            links.TryRemove(link, out _);
            link.Abort();
        }
    }

    async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token)) > 0)
            {
                if (Mode == FaultMode.BlackHole)
                {
                    Interlocked.Add(ref swallowed, read);
                    continue;
                }

                if (Mode == FaultMode.Delay)
                {
                    Interlocked.Increment(ref delayed);
                    await Task.Delay(Latency, stopping.Token);
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stopping.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Abort(from);
            Abort(to);
        }
    }

    static void Abort(Socket socket)
    {
        try
        {
            // Linger 0: close with RST, as a crashed peer would, rather than a polite FIN.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public override string ToString() =>
        $"{Name} proxy ({Mode}): {Accepted} accepted, {Refused} refused, {Reset} reset, {Swallowed} bytes swallowed, {Delayed} chunks delayed";

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        foreach (var link in links.Keys)
        {
            link.Abort();
        }

        await accepting;
        stopping.Dispose();
    }

    sealed class Link(Socket client, Socket server)
    {
        public void Abort()
        {
            FaultProxy.Abort(client);
            FaultProxy.Abort(server);
        }
    }
}
