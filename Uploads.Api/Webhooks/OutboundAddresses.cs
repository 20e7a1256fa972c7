using System.Net;
using System.Net.Sockets;

namespace Uploads.Api.Webhooks;

/// <summary>
/// Where a webhook may connect: public addresses only, unless <see cref="WebhookOptions.AllowInsecureTargets"/>. Checked
/// on the address actually connected to (after DNS), so a name that resolves to a private address, or is rebound to one
/// between the check and the request, is refused all the same (SSRF).
/// </summary>
public static class OutboundAddresses
{
    static readonly IPNetwork[] Refused =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
            "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "2001:db8::/32", "64:ff9b::/96",
        }.Select(range => IPNetwork.Parse(range)),
    ];

    /// <summary>Whether the address is public: not loopback, link-local, private, shared, reserved, documentation or multicast.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return !Refused.Any(range => range.Contains(address));
    }

    /// <summary>The handler webhooks are sent through: never a redirect, never a proxy, and only to allowed addresses.</summary>
    public static SocketsHttpHandler Handler(bool allowAnyAddress) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(address => allowAnyAddress || IsPublic(address)).ToList();
            if (allowed.Count == 0)
            {
                throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address ({string.Join(", ", addresses.Select(a => a.ToString()))}): not connected.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync([.. allowed], context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
