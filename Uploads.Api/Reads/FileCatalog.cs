using System.Buffers.Text;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Uploads.Api.Problems;
using Uploads.Domain;
using Uploads.Infrastructure.Data;
using Uploads.Domain.Files;

namespace Uploads.Api.Reads;

/// <param name="Files">Newest first.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
/// <param name="TraceId">The request's W3C trace id.</param>
public sealed record FilePage(IReadOnlyList<FileSummary> Files, string? NextCursor, string TraceId);

/// <summary>Which files a listing shows: every filter given must hold.</summary>
public sealed record FileFilter(FileStatus? Status, string? ExternalId, Guid? BatchId);

/// <summary>What the API tells about files: one with its history, or a page of many.</summary>
public sealed class FileCatalog(UploadsDatabases databases)
{
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 50;

    public async Task<FileDetails?> DescribeAsync(string tenantId, Guid fileId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        if (file is null)
        {
            return null;
        }

        var history = await db.FileTransitions.AsNoTracking()
            .Where(t => t.FileId == fileId)
            .OrderBy(t => t.Id)
            .ToListAsync(cancellationToken);
        return FileDetails.From(file, history, TraceIds.Current);
    }

    /// <summary>A page of the tenant's files, newest first, as <see cref="NewestFirstPaging"/> pages.</summary>
    public async Task<FilePage> ListAsync(string tenantId, FileFilter filter, int limit, PageCursor? after, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var files = db.Files.AsNoTracking();
        if (filter.Status is { } wanted)
        {
            files = files.Where(f => f.Status == wanted);
        }

        if (filter.ExternalId is { } externalId)
        {
            files = files.Where(f => f.ExternalId == externalId);
        }

        if (filter.BatchId is { } batchId)
        {
            files = files.Where(f => db.BatchFiles.Any(m => m.BatchId == batchId && m.FileId == f.Id));
        }

        var (page, next) = await files.PageNewestFirstAsync(limit, after, cancellationToken);
        return new FilePage([.. page.Select(FileSummary.From)], next, TraceIds.Current);
    }
}

public static class NewestFirstPaging
{
    /// <summary>
    /// Keyset paging on (created_at, id), newest first: a page starts strictly after the last row of the one before,
    /// so rows added meanwhile never shift a page or show up twice.
    /// </summary>
    public static async Task<(List<T> Page, string? NextCursor)> PageNewestFirstAsync<T>(
        this IQueryable<T> rows, int limit, PageCursor? after, CancellationToken cancellationToken) where T : class, IListedNewestFirst
    {
        if (after is { } cursor)
        {
            rows = rows.Where(r => EF.Functions.LessThan(ValueTuple.Create(r.CreatedAt, r.Id), ValueTuple.Create(cursor.CreatedAt, cursor.Id)));
        }

        var page = await rows
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        var next = page.Count > limit ? new PageCursor(page[limit - 1].CreatedAt, page[limit - 1].Id).Encode() : null;
        return (page.Count > limit ? page[..limit] : page, next);
    }
}

/// <summary>Where a page ended: opaque to clients (base64url), so its shape may change.</summary>
public sealed record PageCursor(DateTimeOffset CreatedAt, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{CreatedAt.UtcTicks}.{Id:N}"));

    public static bool TryDecode(string text, out PageCursor? cursor)
    {
        cursor = null;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('.');
            if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new PageCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }

        return cursor is not null;
    }
}
