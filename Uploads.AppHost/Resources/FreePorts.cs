using System.Net;
using System.Net.Sockets;

namespace Uploads.AppHost.Resources;

/// <summary>
/// Ports for the backing services when none is configured: chosen when the model is built, so that a service keeps its
/// port across restarts and what reaches it (a fault proxy of the tests, a configuration file) knows it up front.
/// </summary>
public static class FreePorts
{
    static readonly HashSet<int> HandedOut = [];
    static readonly (int From, int To) Range = BelowEphemeralRange();

    /// <summary>
    /// A loopback port nothing listens on now and never one this process handed out before, below the kernel's
    /// ephemeral range: a port from that range may be taken by an outgoing connection before its service listens.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            var port = Random.Shared.Next(Range.From, Range.To + 1);
            lock (HandedOut)
            {
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }
    }

    static (int From, int To) BelowEphemeralRange()
    {
        const string Path = "/proc/sys/net/ipv4/ip_local_port_range";
        var ephemeralFrom = File.Exists(Path) && File.ReadAllText(Path).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var from, ..]
            && int.TryParse(from, out var parsed) ? parsed : 32768;
        return ephemeralFrom > 13_024 ? (ephemeralFrom - 12_000, ephemeralFrom - 1) : (20_000, 29_999);
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
