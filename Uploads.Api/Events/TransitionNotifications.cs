using System.Threading.Channels;
using Npgsql;
using Uploads.Infrastructure.Data;

namespace Uploads.Api.Events;

/// <summary>
/// One LISTEN connection on PostgreSQL's <c>file_transitions</c> channel (a trigger notifies every stored transition,
/// whichever process made it), fanned out to the event streams that watch a file. A notice only says "look again":
/// the stream reads the transitions themselves from the table, so nothing is lost or reordered, even across a reconnect.
/// </summary>
public sealed class TransitionNotifications(IConfiguration configuration, ILogger<TransitionNotifications> logger) : BackgroundService
{
    readonly Dictionary<Guid, HashSet<Channel<bool>>> watchers = [];
    readonly HashSet<Channel<bool>> watchingAll = [];
    readonly Lock gate = new();

    /// <summary>Files watched now: an entry lives only while a stream watches its file (a 404 leaves nothing behind).</summary>
    internal int WatchedFiles
    {
        get
        {
            lock (gate)
            {
                return watchers.Count;
            }
        }
    }

    public Watch WatchFile(Guid fileId)
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (gate)
        {
            if (!watchers.TryGetValue(fileId, out var channels))
            {
                watchers[fileId] = channels = [];
            }

            channels.Add(channel);
        }

        return new Watch(channel.Reader, () =>
        {
            lock (gate)
            {
                if (watchers.TryGetValue(fileId, out var channels) && channels.Remove(channel) && channels.Count == 0)
                {
                    watchers.Remove(fileId);
                }
            }
        });
    }

    /// <summary>Wakes up whenever any file may have moved: for views over many files, such as a batch's progress.</summary>
    public Watch WatchAll()
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (gate)
        {
            watchingAll.Add(channel);
        }

        return new Watch(channel.Reader, () =>
        {
            lock (gate)
            {
                watchingAll.Remove(channel);
            }
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString(UploadsDatabaseExtensions.ConnectionName);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Notify(Guid.TryParse(e.Payload, out var fileId) ? fileId : null);
                await using (var listen = new NpgsqlCommand($"LISTEN {DatabaseNames.TransitionChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever happened while not listening: every stream looks again.
                NotifyAll();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever broke the connection (a restart, a timeout, a socket torn down), the API keeps serving:
                // an exception escaping a background service would stop the whole host.
                logger.LogWarning("Listening for file transitions failed, listening again: {Message}", ex.Message);
                NotifyAll();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    void Notify(Guid? fileId)
    {
        Channel<bool>[] channels;
        lock (gate)
        {
            channels = fileId is { } id && watchers.TryGetValue(id, out var watching) ? [.. watching, .. watchingAll] : [.. watchingAll];
        }

        Wake(channels);
    }

    void NotifyAll()
    {
        Channel<bool>[] channels;
        lock (gate)
        {
            channels = [.. watchers.Values.SelectMany(watching => watching), .. watchingAll];
        }

        Wake(channels);
    }

    static void Wake(IEnumerable<Channel<bool>> channels)
    {
        foreach (var channel in channels)
        {
            channel.Writer.TryWrite(true);
        }
    }

    /// <summary>Wakes up when the file may have moved (notices coalesce: one pending is enough). Dispose to stop watching.</summary>
    public sealed class Watch(ChannelReader<bool> changes, Action stop) : IDisposable
    {
        public async Task WaitForChangeAsync(CancellationToken cancellationToken) => await changes.ReadAsync(cancellationToken);

        public void Dispose() => stop();
    }
}
