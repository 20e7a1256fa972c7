using Uploads.Domain.Contracts;
using Uploads.Domain.Files;

namespace Uploads.Tests.Files;

/// <summary>
/// Each rule answers the same in memory (the entity's methods) and as a query filter (what the worker and the reconciler
/// send to the database), at its boundary too.
/// </summary>
public sealed class FileRulesTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    static FileRecord Pending(DateTimeOffset? uploadExpiresAt = null) => FileRecord.Request(
        Guid.NewGuid(), "t1", "a.txt", null, "text/plain", "tenants/t1/files/a", 10, null, uploadExpiresAt ?? Now.AddMinutes(15), Now);

    static FileRecord Syncing(Guid claim, DateTimeOffset leaseExpiresAt)
    {
        var file = Pending();
        file.MarkUploaded(10, Now);
        file.StartSync(claim, leaseExpiresAt, Now);
        return file;
    }

    static bool Filtered<TArgument>(FileRule<TArgument> rule, FileRecord file, TArgument argument) =>
        new[] { file }.AsQueryable().Where(rule.For(argument)).Any();

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void A_syncing_file_is_claimable_once_its_lease_ran_out_at_the_very_moment_too(int leaseEndsInSeconds, bool claimable)
    {
        var file = Syncing(Guid.NewGuid(), Now.AddSeconds(leaseEndsInSeconds));

        Assert.Equal(claimable, file.CanBeClaimed(Now));
        Assert.Equal(claimable, Filtered(FileRules.ClaimableAt, file, Now));
    }

    [Fact]
    public void An_uploaded_file_is_claimable_and_a_pending_or_settled_one_is_not()
    {
        var uploaded = Pending();
        uploaded.MarkUploaded(10, Now);
        var synced = Syncing(Guid.NewGuid(), Now.AddMinutes(1));
        synced.MarkSynced(new string('a', 64), Now);

        Assert.True(Filtered(FileRules.ClaimableAt, uploaded, Now));
        Assert.False(Filtered(FileRules.ClaimableAt, Pending(), Now));
        Assert.False(Filtered(FileRules.ClaimableAt, synced, Now));
        Assert.False(synced.CanBeClaimed(Now));
    }

    [Fact]
    public void Only_the_attempt_that_claimed_a_file_holds_it()
    {
        var claim = Guid.NewGuid();
        var file = Syncing(claim, Now.AddMinutes(1));

        Assert.True(file.IsHeldBy(claim));
        Assert.True(Filtered(FileRules.HeldByOneOf, file, [claim]));
        Assert.True(Filtered(FileRules.HeldByOneOf, file, [Guid.NewGuid(), claim]));
        Assert.False(file.IsHeldBy(Guid.NewGuid()));
        Assert.False(Filtered(FileRules.HeldByOneOf, file, [Guid.NewGuid()]));

        file.MarkSynced(new string('a', 64), Now);
        Assert.False(file.IsHeldBy(claim));
        Assert.False(Filtered(FileRules.HeldByOneOf, file, [claim]));
    }

    [Theory]
    [InlineData(-61, true)]
    [InlineData(-60, false)]
    [InlineData(0, false)]
    public void An_upload_window_closed_once_the_grace_after_its_expiry_passed(int expiredSecondsAgo, bool closed)
    {
        var file = Pending(uploadExpiresAt: Now.AddSeconds(expiredSecondsAgo));
        var grace = TimeSpan.FromSeconds(60);

        Assert.Equal(closed, file.IsUploadWindowClosed(Now, grace));
        Assert.Equal(closed, Filtered(FileRules.UploadWindowClosedBefore, file, Now - grace));
    }

    /// <summary>
    /// Only a settled file's upload key is emptied: an UPLOADED or SYNCING file's bytes are at its upload key until the
    /// worker seals them, however long after its URLs expired that is. Seen failing in a full run when the rule said
    /// "not PENDING": a 2 GB file waiting for its sync lost its bytes and ended OBJECT_MISSING.
    /// </summary>
    [Fact]
    public void Only_a_settled_file_whose_urls_expired_has_its_upload_key_emptied_and_only_once()
    {
        var cutoff = Now.AddHours(1);
        var uploaded = Pending();
        uploaded.MarkUploaded(10, Now);
        var syncing = Syncing(Guid.NewGuid(), Now.AddMinutes(1));
        var synced = Syncing(Guid.NewGuid(), Now.AddMinutes(1));
        synced.MarkSynced(new string('a', 64), Now);
        var expired = Pending();
        expired.MarkExpired(Now);
        var cleared = Syncing(Guid.NewGuid(), Now.AddMinutes(1));
        cleared.MarkFailed("HASH_MISMATCH", Now);
        cleared.RecordUploadKeyCleared(Now);

        Assert.False(Filtered(FileRules.UploadKeyUnclearedAfterExpiryBefore, Pending(), cutoff));
        Assert.False(Filtered(FileRules.UploadKeyUnclearedAfterExpiryBefore, uploaded, cutoff));
        Assert.False(Filtered(FileRules.UploadKeyUnclearedAfterExpiryBefore, syncing, cutoff));
        Assert.True(Filtered(FileRules.UploadKeyUnclearedAfterExpiryBefore, synced, cutoff));
        Assert.True(Filtered(FileRules.UploadKeyUnclearedAfterExpiryBefore, expired, cutoff));
        Assert.False(Filtered(FileRules.UploadKeyUnclearedAfterExpiryBefore, synced, Now));
        Assert.False(Filtered(FileRules.UploadKeyUnclearedAfterExpiryBefore, cleared, cutoff));
        Assert.Throws<InvalidOperationException>(() => uploaded.RecordUploadKeyCleared(Now));
    }

    [Fact]
    public void A_filter_carries_its_argument_as_a_captured_value_not_a_literal()
    {
        var filter = FileRules.ClaimableAt.For(Now);

        // EF Core turns a member of a captured object into a query parameter, so every call shares one prepared statement.
        Assert.DoesNotContain("2026", filter.ToString(), StringComparison.Ordinal);
        Assert.Contains(".Value", filter.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FileUploaded_is_built_from_the_file_waiting_for_its_sync_and_for_no_other()
    {
        var file = Pending();
        Assert.Throws<InvalidOperationException>(() => FileUploaded.For(file));

        file.MarkUploaded(10, Now.AddSeconds(1));
        file.RecordSyncRequested(Now.AddSeconds(9));

        Assert.Equal(new FileUploaded(file.Id, file.ObjectKey, 10, Now.AddSeconds(9)), FileUploaded.For(file));
    }

    [Fact]
    public void Failed_deliveries_count_even_while_another_attempt_holds_the_file_and_spent_deliveries_settle_it()
    {
        var claim = Guid.NewGuid();
        var file = Syncing(claim, Now.AddMinutes(1));

        // A claim marks the sync as requested: the reconciler leaves the file alone meanwhile.
        Assert.Equal(Now, file.SyncRequestedAt);
        file.CountFailedDelivery(Now);
        file.CountFailedDelivery(Now);
        Assert.True(file.IsHeldBy(claim));
        Assert.False(file.HasSpentDeliveries(3));
        file.CountFailedDelivery(Now);
        Assert.True(file.HasSpentDeliveries(3));

        file.MarkDeliveriesSpent(3, Now);

        Assert.Equal(FileStatus.Failed, file.Status);
        Assert.Equal("SYNC_FAILED: every delivery of the sync failed (3 of 3)", file.FailureReason);
    }
}
