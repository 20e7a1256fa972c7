using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Uploads.Infrastructure.Telemetry;

namespace Uploads.Infrastructure.Caching;

/// <summary>
/// File content in Redis under <c>file_content:{file_id}</c>. The cache is an optimisation, never the truth:
/// when Redis is unreachable, writes are dropped with a warning and callers carry on.
/// </summary>
public sealed class FileContentCache(
    IConnectionMultiplexer redis,
    IOptions<ContentCacheOptions> options,
    CacheMetrics metrics,
    ILogger<FileContentCache> logger)
{
    public ContentCacheOptions Options { get; } = options.Value;

    public static RedisKey KeyFor(Guid fileId) => $"file_content:{fileId}";

    public bool Accepts(long length) => length <= Options.MaxFileBytes;

    /// <summary>
    /// Starts writing a file's content under a staging key, chunk by chunk, so that memory does not grow with the file;
    /// <see cref="CachedContentWriter.CommitAsync"/> publishes it under the real key in one atomic rename.
    /// </summary>
    public CachedContentWriter BeginWrite(Guid fileId) =>
        new(redis.GetDatabase(), KeyFor(fileId), $"{KeyFor(fileId)}:staging:{Guid.NewGuid():N}", Options.TimeToLive, metrics, logger);

    /// <summary>The cached content, or <c>null</c> when it is not cached or Redis does not answer (the caller reads storage).</summary>
    public async Task<byte[]?> TryReadAsync(Guid fileId)
    {
        try
        {
            byte[]? content = await redis.GetDatabase().StringGetAsync(KeyFor(fileId));
            if (content is null)
            {
                metrics.Miss();
            }
            else
            {
                metrics.Hit();
            }

            return content;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            metrics.Unavailable("read");
            metrics.Miss();
            logger.LogWarning("Content cache unavailable, reading {FileId} from storage: {Message}", fileId, ex.Message);
            return null;
        }
    }
}

public sealed class CachedContentWriter
{
    readonly IDatabase redis;
    readonly RedisKey key;
    readonly RedisKey stagingKey;
    readonly TimeSpan timeToLive;
    readonly CacheMetrics metrics;
    readonly ILogger logger;
    bool started;

    internal CachedContentWriter(IDatabase redis, RedisKey key, RedisKey stagingKey, TimeSpan timeToLive, CacheMetrics metrics, ILogger logger)
    {
        this.redis = redis;
        this.key = key;
        this.stagingKey = stagingKey;
        this.timeToLive = timeToLive;
        this.metrics = metrics;
        this.logger = logger;
    }

    /// <summary>False once Redis failed: the rest of the content is not cached.</summary>
    public bool IsWriting { get; private set; } = true;

    public async Task AppendAsync(ReadOnlyMemory<byte> chunk)
    {
        if (!IsWriting)
        {
            return;
        }

        // Each command is awaited before the caller reuses its buffer: the client may still be reading the memory until then.
        await Guard(started
            ? redis.StringAppendAsync(stagingKey, chunk)
            : redis.StringSetAsync(stagingKey, chunk, timeToLive));
        started = true;
    }

    /// <summary>Makes the content visible under its real key. Returns whether the content is now cached.</summary>
    public async Task<bool> CommitAsync()
    {
        if (!IsWriting)
        {
            return false;
        }

        using var activity = UploadsTracing.Source.StartActivity("cache.commit", ActivityKind.Client);
        activity?.SetTag("db.system.name", "redis");
        activity?.SetTag("db.operation.name", started ? "RENAME" : "SET");
        if (!started)
        {
            await Guard(redis.StringSetAsync(key, RedisValue.EmptyString, timeToLive));
            return IsWriting;
        }

        await Guard(redis.KeyRenameAsync(stagingKey, key));
        return IsWriting;
    }

    public async Task AbandonAsync()
    {
        if (started && IsWriting)
        {
            await Guard(redis.KeyDeleteAsync(stagingKey));
        }

        IsWriting = false;
    }

    async Task Guard(Task command)
    {
        try
        {
            await command;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            IsWriting = false;
            metrics.Unavailable("write");
            logger.LogWarning("Content cache unavailable, {Key} is not cached: {Message}", key, ex.Message);
        }
    }
}
