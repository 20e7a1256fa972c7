using System.Collections.Concurrent;
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
    readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<bool>, byte>> watchers = new();

    public Watch WatchFile(Guid fileId)
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        watchers.GetOrAdd(fileId, _ => new()).TryAdd(channel, 0);
        return new Watch(channel.Reader, () =>
        {
            if (watchers.TryGetValue(fileId, out var channels))
            {
                channels.TryRemove(channel, out _);
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
            catch (Exception ex) when (ex is NpgsqlException or IOException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Listening for file transitions failed, listening again: {Message}", ex.Message);
                NotifyAll();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    void Notify(Guid? fileId)
    {
        if (fileId is { } id && watchers.TryGetValue(id, out var channels))
        {
            foreach (var channel in channels.Keys)
            {
                channel.Writer.TryWrite(true);
            }
        }
    }

    void NotifyAll()
    {
        foreach (var fileId in watchers.Keys)
        {
            Notify(fileId);
        }
    }

    /// <summary>Wakes up when the file may have moved (notices coalesce: one pending is enough). Dispose to stop watching.</summary>
    public sealed class Watch(ChannelReader<bool> changes, Action stop) : IDisposable
    {
        public async Task WaitForChangeAsync(CancellationToken cancellationToken) => await changes.ReadAsync(cancellationToken);

        public void Dispose() => stop();
    }
}
