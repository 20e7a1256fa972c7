using Uploads.Domain.Contracts;
using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;

namespace Uploads.Tests.Derivatives;

/// <summary>The derivatives step's states and rules, in memory and as the query filters the reconciler sends.</summary>
public sealed class DerivativesStateTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    static FileRecord Synced(string contentType)
    {
        var file = FileRecord.Request(Guid.NewGuid(), "t1", "a", null, contentType, "tenants/t1/files/a", 10, null, Now.AddMinutes(15), Now);
        file.MarkUploaded(10, Now);
        file.StartSync(Guid.NewGuid(), Now.AddMinutes(1), Now);
        file.MarkSynced(new string('a', 64), Now);
        return file;
    }

    static bool Filtered<TArgument>(FileRule<TArgument> rule, FileRecord file, TArgument argument) =>
        new[] { file }.AsQueryable().Where(rule.For(argument)).Any();

    [Theory]
    [InlineData("image/jpeg", DerivativesStatus.Pending)]
    [InlineData("IMAGE/PNG", DerivativesStatus.Pending)]
    [InlineData("application/pdf", DerivativesStatus.Pending)]
    [InlineData("image/svg+xml", DerivativesStatus.None)]
    [InlineData("text/plain", DerivativesStatus.None)]
    [InlineData("application/octet-stream", DerivativesStatus.None)]
    public void A_synced_picture_or_PDF_has_derivatives_due_and_nothing_else_does(string contentType, DerivativesStatus expected)
    {
        var file = Synced(contentType);

        Assert.Equal(expected, file.Derivatives);
        Assert.Equal(expected == DerivativesStatus.Pending ? 1 : 0, file.DerivativesHistory.Count);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Derivatives_in_hand_may_be_taken_over_once_their_lease_ran_out(int leaseEndsInSeconds, bool claimable)
    {
        var file = Synced("image/png");
        file.StartDerivatives(Guid.NewGuid(), Now.AddSeconds(leaseEndsInSeconds), Now);

        Assert.Equal(claimable, file.CanDeriveNow(Now));
        Assert.Equal(claimable, Filtered(FileRules.DerivativesClaimableAt, file, Now));
    }

    [Fact]
    public void Only_the_claim_that_holds_the_derivatives_holds_them_and_a_take_over_is_recorded_with_its_reason()
    {
        var file = Synced("image/png");
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        file.StartDerivatives(first, Now, Now);
        file.StartDerivatives(second, Now.AddMinutes(1), Now);

        Assert.False(file.AreDerivativesHeldBy(first));
        Assert.True(file.AreDerivativesHeldBy(second));
        Assert.True(Filtered(FileRules.DerivativesHeldBy, file, second));
        Assert.Equal(2, file.DerivativesAttempts);
        Assert.Equal("taken back after its lease ran out", file.DerivativesHistory[^1].Reason);
    }

    [Fact]
    public void Ready_and_failed_are_final_and_a_file_that_is_not_synced_has_no_derivatives_to_move()
    {
        var ready = Synced("image/png");
        ready.StartDerivatives(Guid.NewGuid(), Now.AddMinutes(1), Now);
        ready.CompleteDerivatives(new DerivedContent(new FileMetadata(1, 1, null, "png", null, null, null, null), []), Now);
        Assert.Throws<InvalidDerivativesTransitionException>(() => ready.FailDerivatives("late", Now));
        Assert.False(ready.CanDeriveNow(Now.AddHours(1)));

        var failed = Synced("image/png");
        failed.StartDerivatives(Guid.NewGuid(), Now.AddMinutes(1), Now);
        failed.FailDerivatives("UNREADABLE_CONTENT", Now);
        Assert.Throws<InvalidDerivativesTransitionException>(() => failed.StartDerivatives(Guid.NewGuid(), Now, Now));
        Assert.Equal("UNREADABLE_CONTENT", failed.DerivativesFailureReason);

        var pending = FileRecord.Request(Guid.NewGuid(), "t1", "a", null, "image/png", "k", 10, null, Now.AddMinutes(15), Now);
        Assert.Throws<InvalidDerivativesTransitionException>(() => pending.FailDerivatives("no", Now));
    }

    [Fact]
    public void A_release_lets_the_next_delivery_take_the_derivatives_at_once_and_a_stranger_cannot_release_them()
    {
        var file = Synced("image/png");
        var claim = Guid.NewGuid();
        file.StartDerivatives(claim, Now.AddMinutes(1), Now);

        file.ReleaseDerivatives(Guid.NewGuid(), Now);
        Assert.False(file.CanDeriveNow(Now));

        file.ReleaseDerivatives(claim, Now);
        Assert.True(file.CanDeriveNow(Now));
    }

    [Fact]
    public void The_reconciler_asks_again_only_after_a_pause_and_the_request_names_the_file()
    {
        var file = Synced("image/jpeg");

        Assert.False(Filtered(FileRules.DerivativesNotRequestedSince, file, Now));
        Assert.True(Filtered(FileRules.DerivativesNotRequestedSince, file, Now.AddSeconds(1)));
        Assert.Equal(new DerivativesRequested(file.Id, Now), DerivativesRequested.For(file));
        Assert.Throws<InvalidOperationException>(() => DerivativesRequested.For(Synced("text/plain")));
    }

    [Theory]
    [InlineData(DerivativesStatus.Making, "pending")]
    [InlineData(DerivativesStatus.Pending, "pending")]
    [InlineData(DerivativesStatus.Ready, "ready")]
    [InlineData(DerivativesStatus.Failed, "failed")]
    [InlineData(DerivativesStatus.None, "none")]
    public void A_client_sees_work_in_hand_as_pending(DerivativesStatus status, string shown) =>
        Assert.Equal(shown, DerivativesStateMachine.PublicName(status));

    [Theory]
    [InlineData("Canon EOS", "Canon EOS")]
    [InlineData("  Nikon\0 D850\r\n", "Nikon D850")]
    [InlineData("\u202Egnp.exe", "gnp.exe")]
    [InlineData("\u0000\u0001\u200F", null)]
    public void Text_read_from_EXIF_keeps_only_printable_characters(string raw, string? kept) =>
        Assert.Equal(kept, FileMetadata.Text(raw));

    [Fact]
    public void Text_read_from_EXIF_is_cut_to_a_bounded_length() =>
        Assert.Equal(FileMetadata.MaxTextLength, FileMetadata.Text(new string('x', 10_000))!.Length);
}
