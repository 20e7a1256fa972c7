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
    static readonly IPNetwork[] RefusedIPv4 =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
            "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        }.Select(range => IPNetwork.Parse(range)),
    ];

    /// <summary>IPv6's global unicast space: every other IPv6 address (loopback, IPv4-compatible, NAT64, discard-only, site- and link-local, unique-local, multicast) is refused.</summary>
    static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    /// <summary>Inside global unicast, what is not one host on the internet: IETF protocol assignments (Teredo among them), documentation.</summary>
    static readonly IPNetwork[] RefusedIPv6 = [.. new[] { "2001::/23", "2001:db8::/32", "3fff::/20" }.Select(range => IPNetwork.Parse(range))];

    /// <summary>6to4 addresses carry an IPv4 address in bits 16 to 47: they are as public as it is.</summary>
    static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// Whether the address is public: IPv4 not loopback, link-local, private, shared, reserved, documentation or
    /// multicast; IPv6 global unicast only, and an IPv4 address it embeds (mapped, 6to4) judged as IPv4.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !RefusedIPv4.Any(range => range.Contains(address));
        }

        if (SixToFour.Contains(address))
        {
            return IsPublic(new IPAddress(address.GetAddressBytes().AsSpan(2, 4)));
        }

        return GlobalUnicast.Contains(address) && !RefusedIPv6.Any(range => range.Contains(address));
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
                throw new RefusedTargetException(context.DnsEndPoint.Host, addresses);
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

/// <summary>
/// A webhook target with no public address. Its message, which the tenant sees in the delivery's log, names the host it
/// gave and no address: what an internal name resolves to is for the operator's log (<see cref="Addresses"/>).
/// </summary>
public sealed class RefusedTargetException(string host, IReadOnlyList<IPAddress> addresses)
    : HttpRequestException($"{host} has no public address to connect to: not connected.")
{
    public IReadOnlyList<IPAddress> Addresses { get; } = addresses;
}
