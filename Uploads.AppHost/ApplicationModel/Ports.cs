using System.Net;
using System.Net.Sockets;

namespace Uploads.AppHost.ApplicationModel;

public static class Ports
{
    static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// Keeps <paramref name="port"/> from ever being handed out: one this AppHost was told to use (<c>--api-port</c>,
    /// <c>--dashboard-port</c>), which is free until the part given it starts listening.
    /// </summary>
    public static void Reserve(int port)
    {
        lock (HandedOut)
        {
            HandedOut.Add(port);
        }
    }

    /// <summary>
    /// A loopback port nothing listens on right now, and never one this process handed out before: a resource that
    /// is stopped for a while (a test restarting Redis, say) keeps its port, so nothing else here may take it meanwhile.
    /// It is taken below the kernel's ephemeral range, the ports it gives outgoing connections (and listeners on port 0):
    /// one of those may be taken by a connection in the seconds before the part it was chosen for starts listening.
    /// </summary>
    public static int Free()
    {
        while (true)
        {
            var port = Random.Shared.Next(Chosen.From, Chosen.To + 1);
            lock (HandedOut)
            {
                if (HandedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }
    }

    static readonly (int From, int To) Chosen = BelowEphemeralRange();

    static (int From, int To) BelowEphemeralRange()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        var ephemeralFrom = File.Exists(Range) && File.ReadAllText(Range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var from, ..]
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
