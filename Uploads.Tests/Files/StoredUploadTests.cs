using Uploads.Domain.Files;

namespace Uploads.Tests.Files;

public sealed class StoredUploadTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    static FileRecord Pending(long? declaredSize, TimeSpan windowClosedAgo) => FileRecord.Request(
        Guid.NewGuid(), "t1", "a.bin", null, "application/octet-stream", "tenants/t1/files/x", declaredSize, null,
        uploadExpiresAt: Now - windowClosedAgo, now: Now - windowClosedAgo - TimeSpan.FromMinutes(15));

    [Theory]
    // While the URL is valid (it expires in a minute): an acceptable object is confirmed, anything else refused and left to the client.
    [InlineData(100L, 100L, null, -1, UploadVerdict.Confirm, null)]
    [InlineData(100L, null, null, -1, UploadVerdict.Refuse, "OBJECT_MISSING")]
    [InlineData(100L, 60L, null, -1, UploadVerdict.Refuse, "SIZE_MISMATCH")]
    [InlineData(null, 100L, 90L, -1, UploadVerdict.Refuse, "SIZE_MISMATCH")]
    [InlineData(null, 2_000L, null, -1, UploadVerdict.Refuse, "SIZE_MISMATCH")]
    [InlineData(null, 1_000L, null, -1, UploadVerdict.Confirm, null)]
    // Once the window and its grace are past: a whole object is still confirmed; only nothing acceptable expires.
    [InlineData(100L, 100L, null, 10, UploadVerdict.Confirm, null)]
    [InlineData(100L, null, null, 10, UploadVerdict.Expire, "OBJECT_MISSING")]
    [InlineData(100L, 60L, null, 10, UploadVerdict.Expire, "SIZE_MISMATCH")]
    // Within the grace the window still counts as open.
    [InlineData(100L, null, null, 4, UploadVerdict.Refuse, "OBJECT_MISSING")]
    public void What_storage_holds_decides_whether_a_pending_file_is_confirmed_refused_or_expired(
        long? declaredSize, long? storedSize, long? claimedSize, int urlExpiredMinutesAgo, UploadVerdict verdict, string? refusal)
    {
        var file = Pending(declaredSize, TimeSpan.FromMinutes(urlExpiredMinutesAgo));

        var judgement = StoredUpload.Judge(file, storedSize, claimedSize, maxFileBytes: 1_000, Now, Grace);

        Assert.Equal(verdict, judgement.Verdict);
        Assert.Equal(refusal, judgement.Refusal?.Code);
    }
}
