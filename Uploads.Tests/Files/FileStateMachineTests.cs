using Uploads.Domain.Files;

namespace Uploads.Tests.Files;

public sealed class FileStateMachineTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    static FileRecord NewFile() => FileRecord.Request(
        Guid.NewGuid(), "t1", "a.txt", null, "text/plain", "tenants/t1/files/a", 10, null, Now.AddMinutes(15), Now);

    [Fact]
    public void A_file_walks_the_happy_path_and_records_every_step()
    {
        var file = NewFile();
        var claim = Guid.NewGuid();

        file.MarkUploaded(10, Now.AddSeconds(1));
        file.StartSync(claim, Now.AddMinutes(5), Now.AddSeconds(2));
        file.MarkSynced(new string('a', 64), Now.AddSeconds(3));

        Assert.Equal(FileStatus.Synced, file.Status);
        Assert.Equal([FileStatus.Pending, FileStatus.Uploaded, FileStatus.Syncing, FileStatus.Synced], file.History.Select(h => h.Status));
        Assert.Equal([null, FileStatus.Pending, FileStatus.Uploaded, FileStatus.Syncing], file.History.Select(h => h.FromStatus));
        Assert.Equal(Now.AddSeconds(3), file.UpdatedAt);
        Assert.Null(file.SyncClaim);
    }

    [Fact]
    public void Every_state_a_claim_may_start_from_is_one_the_rule_admits_and_the_state_machine_allows()
    {
        Assert.All(SyncClaimMove.ReasonByPreviousState.Keys, from => Assert.True(FileStateMachine.CanMove(from, FileStatus.Syncing), $"{from} → SYNCING"));
        var claimable = Enum.GetValues<FileStatus>().Where(status => FileRules.ClaimableAt.IsMetBy(InState(status), Now)).ToHashSet();
        Assert.Equal(claimable, SyncClaimMove.ReasonByPreviousState.Keys.ToHashSet());
    }

    /// <summary>A file in <paramref name="status"/>; when SYNCING, its lease ran out a minute before <see cref="Now"/>.</summary>
    static FileRecord InState(FileStatus status)
    {
        var file = NewFile();
        switch (status)
        {
            case FileStatus.Pending:
                break;
            case FileStatus.Expired:
                file.MarkExpired(Now);
                break;
            default:
                file.MarkUploaded(10, Now.AddMinutes(-5));
                if (status != FileStatus.Uploaded)
                {
                    file.StartSync(Guid.NewGuid(), Now.AddMinutes(-1), Now.AddMinutes(-5));
                }

                if (status == FileStatus.Synced)
                {
                    file.MarkSynced(new string('a', 64), Now.AddMinutes(-2));
                }
                else if (status == FileStatus.Failed)
                {
                    file.MarkFailed(FailureReasons.HashMismatch, Now.AddMinutes(-2));
                }

                break;
        }

        Assert.Equal(status, file.Status);
        return file;
    }

    [Fact]
    public void A_terminal_file_cannot_move_again()
    {
        var file = NewFile();
        file.MarkUploaded(10, Now);
        file.StartSync(Guid.NewGuid(), Now.AddMinutes(5), Now);
        file.MarkFailed(FailureReasons.HashMismatch, Now);

        Assert.Throws<InvalidFileTransitionException>(() => file.MarkSynced(new string('a', 64), Now));
        Assert.Throws<InvalidFileTransitionException>(() => file.StartSync(Guid.NewGuid(), Now, Now));
        Assert.Equal(FileStatus.Failed, file.Status);
        Assert.Equal(4, file.History.Count);
    }

    [Fact]
    public void A_pending_file_cannot_skip_to_syncing_or_synced()
    {
        var file = NewFile();

        Assert.Throws<InvalidFileTransitionException>(() => file.StartSync(Guid.NewGuid(), Now, Now));
        Assert.Throws<InvalidFileTransitionException>(() => file.MarkSynced(new string('a', 64), Now));
        Assert.Single(file.History);
    }

    [Fact]
    public void A_syncing_file_cannot_be_claimed_again_until_its_lease_runs_out()
    {
        var file = NewFile();
        file.MarkUploaded(10, Now);
        var claim = Guid.NewGuid();
        file.StartSync(claim, Now.AddMinutes(5), Now);

        Assert.False(file.CanBeClaimed(Now.AddMinutes(1)));
        Assert.Throws<InvalidFileTransitionException>(() => file.StartSync(Guid.NewGuid(), Now.AddMinutes(6), Now.AddMinutes(1)));
        Assert.True(file.IsHeldBy(claim));
        Assert.True(file.CanBeClaimed(Now.AddMinutes(5)));
    }

    [Fact]
    public void A_take_over_is_recorded_with_its_reason()
    {
        var file = NewFile();
        file.MarkUploaded(10, Now);
        file.StartSync(Guid.NewGuid(), Now.AddMinutes(5), Now);
        var successor = Guid.NewGuid();

        file.StartSync(successor, Now.AddMinutes(11), Now.AddMinutes(6));

        Assert.Equal("taken back after its lease ran out", file.History[^1].Reason);
        Assert.Equal(FileStatus.Syncing, file.History[^1].FromStatus);
        Assert.True(file.IsHeldBy(successor));
    }

    [Fact]
    public void A_deferred_sync_counts_a_failed_delivery_and_holds_the_file_until_the_retry_time()
    {
        var file = NewFile();
        file.MarkUploaded(10, Now);
        file.StartSync(Guid.NewGuid(), Now.AddMinutes(1), Now);

        file.DeferSync(Now.AddMinutes(10), Now.AddSeconds(5));

        Assert.Equal(1, file.FailedDeliveries);
        Assert.Equal(FileStatus.Syncing, file.Status);
        Assert.False(file.CanBeClaimed(Now.AddMinutes(9)));
        Assert.True(file.CanBeClaimed(Now.AddMinutes(10)));
        Assert.Equal(3, file.History.Count);
    }

    [Theory]
    [InlineData(FileStatus.Synced)]
    [InlineData(FileStatus.Failed)]
    [InlineData(FileStatus.Expired)]
    public void Terminal_states_allow_no_move(FileStatus terminal)
    {
        Assert.True(FileStateMachine.IsTerminal(terminal));
        Assert.All(Enum.GetValues<FileStatus>(), to => Assert.False(FileStateMachine.CanMove(terminal, to)));
    }

    [Fact]
    public void Only_a_pending_file_can_expire_and_only_after_its_window_and_grace()
    {
        var file = NewFile();

        Assert.False(file.IsUploadWindowClosed(Now.AddMinutes(19), TimeSpan.FromMinutes(5)));
        Assert.True(file.IsUploadWindowClosed(Now.AddMinutes(21), TimeSpan.FromMinutes(5)));
        file.MarkExpired(Now.AddMinutes(21));
        Assert.Equal(FileStatus.Expired, file.Status);
        Assert.Equal(FailureReasons.UploadWindowClosed, file.History[^1].Reason);
    }
}
