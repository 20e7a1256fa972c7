using System.Linq.Expressions;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;

namespace Uploads.Api.Events;

/// <summary>
/// One LISTEN connection on PostgreSQL's <c>file_transitions</c> channel (a trigger notifies every stored transition,
/// whichever process made it, with the transition itself), fanned out to the event streams that watch a file. A stream
/// takes the transitions from the notices while they follow on from what it sent; whenever they may not (a reconnect,
/// a notice it could not use, more notices than a watch keeps) it is told to look again, and reads them from the table,
/// so nothing is lost or reordered.
/// </summary>
public sealed class TransitionNotifications(IConfiguration configuration, ILogger<TransitionNotifications> logger) : BackgroundService
{
    readonly Dictionary<Guid, HashSet<Watch>> watchers = [];
    readonly HashSet<Watch> watchingAll = [];
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
        var watch = new Watch(self => Stop(self, fileId), keepsNotices: true);
        lock (gate)
        {
            if (!watchers.TryGetValue(fileId, out var watching))
            {
                watchers[fileId] = watching = [];
            }

            watching.Add(watch);
        }

        return watch;
    }

    /// <summary>
    /// Wakes up whenever any file may have moved: for views over many files, such as a batch's progress, which read what
    /// they show (every wake-up says look again, and keeps no notices).
    /// </summary>
    public Watch WatchAll()
    {
        var watch = new Watch(self =>
        {
            lock (gate)
            {
                watchingAll.Remove(self);
            }
        }, keepsNotices: false);
        lock (gate)
        {
            watchingAll.Add(watch);
        }

        return watch;
    }

    void Stop(Watch watch, Guid fileId)
    {
        lock (gate)
        {
            if (watchers.TryGetValue(fileId, out var watching) && watching.Remove(watch) && watching.Count == 0)
            {
                watchers.Remove(fileId);
            }
        }
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
                connection.Notification += (_, e) => Notify(e.Payload);
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

    void Notify(string payload)
    {
        var notice = TransitionNotice.TryParse(payload);
        // A notice of an older trigger names only the file: its watchers look again.
        var fileId = notice?.FileId ?? (Guid.TryParse(payload, out var named) ? named : (Guid?)null);
        Watch[] woken;
        lock (gate)
        {
            woken = fileId is { } id && watchers.TryGetValue(id, out var watching) ? [.. watching, .. watchingAll] : [.. watchingAll];
        }

        foreach (var watch in woken)
        {
            watch.Tell(notice);
        }
    }

    void NotifyAll()
    {
        Watch[] woken;
        lock (gate)
        {
            woken = [.. watchers.Values.SelectMany(watching => watching), .. watchingAll];
        }

        foreach (var watch in woken)
        {
            watch.Tell(null);
        }
    }

    /// <summary>
    /// Wakes up when the file may have moved (wake-ups coalesce: one pending is enough), with the transitions the notices
    /// carried since the last wake-up. Dispose to stop watching.
    /// </summary>
    public sealed class Watch(Action<Watch> stop, bool keepsNotices) : IDisposable
    {
        /// <summary>Notices a watch keeps between two wake-ups; past that, the stream reads the table instead.</summary>
        const int MaxKept = 16;

        readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        readonly Lock gate = new();
        List<TransitionNotice> told = [];
        bool lookAgain;

        /// <summary>A notice; null for "something may have changed", when what changed is not known.</summary>
        internal void Tell(TransitionNotice? notice)
        {
            lock (gate)
            {
                if (notice is null || !keepsNotices || told.Count == MaxKept)
                {
                    lookAgain = true;
                }
                else
                {
                    told.Add(notice);
                }
            }

            wake.Writer.TryWrite(true);
        }

        public async Task<WatchedChange> WaitForChangeAsync(CancellationToken cancellationToken)
        {
            await wake.Reader.ReadAsync(cancellationToken);
            lock (gate)
            {
                var change = new WatchedChange(told, lookAgain);
                (told, lookAgain) = ([], false);
                return change;
            }
        }

        public void Dispose() => stop(this);
    }
}

/// <param name="Notices">The transitions notified since the last wake-up, in the order they were committed.</param>
/// <param name="LookAgain">Whether something may have changed that no notice here tells.</param>
public sealed record WatchedChange(IReadOnlyList<TransitionNotice> Notices, bool LookAgain);

/// <summary>A transition as the database's trigger notifies it (<c>notify_file_transition</c>).</summary>
public sealed record TransitionNotice(long Id, Guid FileId, FileStatus? FromStatus, FileStatus Status, DateTimeOffset At, string? Reason)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The notice, or null for a payload that is not one (a notice of another version says only "look again").</summary>
    public static TransitionNotice? TryParse(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<Payload>(payload, Json) is { Id: { } id, FileId: { } fileId, Status: { } status, At: { } at } notice
                ? new TransitionNotice(id, fileId, notice.FromStatus is { } from ? StatusNames.Parse(from) : null, StatusNames.Parse(status), at, notice.Reason)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The notified transitions after <paramref name="last"/>, in order, when each starts from the state the one before it
    /// ended in; null when one does not (a notice is missing, or came out of order): then the table tells.
    /// </summary>
    public static IReadOnlyList<TransitionNotice>? FollowingOn(TransitionNotice last, IReadOnlyList<TransitionNotice> notices)
    {
        var following = new List<TransitionNotice>();
        var status = last.Status;
        foreach (var notice in notices.Where(notice => notice.Id > last.Id).OrderBy(notice => notice.Id))
        {
            if (notice.FromStatus != status)
            {
                return null;
            }

            following.Add(notice);
            status = notice.Status;
        }

        return following;
    }

    /// <summary>A stored transition as its notice, in a query: only these columns are read.</summary>
    public static readonly Expression<Func<FileTransition, TransitionNotice>> OfRow = transition =>
        new TransitionNotice(transition.Id, transition.FileId, transition.FromStatus, transition.Status, transition.At, transition.Reason);

    sealed record Payload(long? Id, Guid? FileId, string? FromStatus, string? Status, DateTimeOffset? At, string? Reason);
}
