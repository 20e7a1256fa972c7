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
    /// </summary>
    public static int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
