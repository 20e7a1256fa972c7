using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

/// <summary>The group commit of confirmed files' moves (<see cref="FileMoveGroupCommit"/>): one caller's problem is its own.</summary>
public sealed class FileMoveGroupCommitTests(UploadsStack stack) : IAsyncLifetime
{
    const string Tenant = "move-group";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await stack.ExecuteAsync("DELETE FROM files WHERE tenant_id = @tenant", ("tenant", Tenant));

    [Fact]
    public async Task A_group_whose_write_fails_writes_each_move_alone_and_fails_only_the_caller_whose_move_is_refused()
    {
        await using var services = GroupCommitServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var ids = new[] { await PendingFiles.StoreAsync(databases, Tenant, DateTimeOffset.UtcNow), await PendingFiles.StoreAsync(databases, Tenant, DateTimeOffset.UtcNow), await PendingFiles.StoreAsync(databases, Tenant, DateTimeOffset.UtcNow) };
        var contexts = await Task.WhenAll(ids.Select(_ => databases.ForTenantAsync(Tenant, CancellationToken.None)));
        try
        {
            var group = new List<GroupedWrite<FileMove, bool>>();
            foreach (var (db, id) in contexts.Zip(ids))
            {
                group.Add(new GroupedWrite<FileMove, bool>(await PendingFiles.UploadedMoveAsync(db, id, DateTimeOffset.UtcNow)));
            }

            await using (await stack.RefuseInsertsAsync("file_transitions", $"NEW.file_id = '{ids[1]}'"))
            {
                await services.GetRequiredService<FileMoveGroupCommit>().WriteAsync(group, CancellationToken.None);
            }

            Assert.True(await group[0].Outcome.Task);
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => group[1].Outcome.Task);
            Assert.Contains("refused by the test", refused.ToString());
            Assert.IsNotType<GroupCommitFailedException>(refused);
            Assert.True(await group[2].Outcome.Task);
            // An UPLOADED file is the stack's worker's to take further at once (with no object, to FAILED): read what the write did.
            Assert.Equal(["UPLOADED", "PENDING", "UPLOADED"], await Task.WhenAll(ids.Select(stack.StateAfterFirstMoveAsync)));
        }
        finally
        {
            foreach (var db in contexts)
            {
                await db.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Two_moves_of_one_file_in_a_group_save_the_first_and_tell_the_second_that_the_file_changed()
    {
        await using var services = GroupCommitServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var id = await PendingFiles.StoreAsync(databases, Tenant, DateTimeOffset.UtcNow);
        await using var first = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        await using var second = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        var group = new List<GroupedWrite<FileMove, bool>>
        {
            new(await PendingFiles.UploadedMoveAsync(first, id, DateTimeOffset.UtcNow)),
            new(await PendingFiles.UploadedMoveAsync(second, id, DateTimeOffset.UtcNow)),
        };

        await services.GetRequiredService<FileMoveGroupCommit>().WriteAsync(group, CancellationToken.None);

        Assert.True(await group[0].Outcome.Task);
        Assert.False(await group[1].Outcome.Task);
        Assert.Equal(1, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = @id AND status = 'UPLOADED'", ("id", id)));
    }

    ServiceProvider GroupCommitServices() => stack.DatabaseServices(services => services
        .AddSingleton(Options.Create(new UploadOptions()))
        .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
        .AddSingleton<FileMoveGroupCommit>());
}
