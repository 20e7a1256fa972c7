using Uploads.Api.Events;
using Uploads.Domain.Files;

namespace Uploads.Tests.Api;

/// <summary>How an event stream uses the transitions the database's notices carry, and when it reads the table instead.</summary>
public sealed class TransitionNoticeTests
{
    static readonly Guid FileId = Guid.NewGuid();
    static readonly DateTimeOffset At = new(2026, 12, 1, 18, 0, 0, TimeSpan.Zero);

    static TransitionNotice Notice(long id, FileStatus? from, FileStatus to) => new(id, FileId, from, to, At.AddSeconds(id), null);

    [Fact]
    public void Notices_that_follow_on_from_the_last_event_are_streamed_in_order_and_those_already_sent_are_dropped()
    {
        var last = Notice(10, FileStatus.Pending, FileStatus.Uploaded);

        var following = TransitionNotice.FollowingOn(last, [Notice(12, FileStatus.Syncing, FileStatus.Synced), Notice(10, FileStatus.Pending, FileStatus.Uploaded), Notice(11, FileStatus.Uploaded, FileStatus.Syncing)]);

        Assert.Equal([11L, 12L], following!.Select(notice => notice.Id));
    }

    [Theory]
    [InlineData(FileStatus.Syncing, FileStatus.Synced)]
    [InlineData(FileStatus.Pending, FileStatus.Uploaded)]
    public void A_notice_that_does_not_start_where_the_last_event_ended_sends_the_stream_to_the_table(FileStatus from, FileStatus to)
    {
        var last = Notice(10, FileStatus.Pending, FileStatus.Uploaded);

        Assert.Null(TransitionNotice.FollowingOn(last, [Notice(12, from, to)]));
    }

    [Fact]
    public void The_triggers_payload_is_read_whole()
    {
        var notice = TransitionNotice.TryParse($$"""
            {"id" : 42, "file_id" : "{{FileId}}", "from_status" : "SYNCING", "status" : "FAILED", "at" : "2026-12-01T18:00:00.123456+00:00", "reason" : "MALWARE_DETECTED"}
            """);

        Assert.Equal(new TransitionNotice(42, FileId, FileStatus.Syncing, FileStatus.Failed, At.AddTicks(1_234_560), "MALWARE_DETECTED"), notice);
    }

    [Theory]
    [InlineData("01a232bc-c9c1-78a9-b52d-2a67f4777333")]
    [InlineData("{\"id\": 1}")]
    [InlineData("{\"id\": 1, \"file_id\": \"01a232bc-c9c1-78a9-b52d-2a67f4777333\", \"status\": \"NO_SUCH_STATE\", \"at\": \"2026-12-01T18:00:00+00:00\"}")]
    [InlineData("not json")]
    public void A_payload_that_is_not_a_whole_notice_is_none(string payload) =>
        Assert.Null(TransitionNotice.TryParse(payload));
}
